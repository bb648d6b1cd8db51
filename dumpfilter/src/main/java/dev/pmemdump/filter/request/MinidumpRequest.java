package dev.pmemdump.filter.request;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * --regions: a kmemdump-style minidump of the listed regions only, never pmem user data.
 *
 * @param regions the --regions list, resolved against the vmcore's VMCOREINFO when the run opens it
 */
public record MinidumpRequest(Path vmcore, String regions, Path output, PmemSources pmem, Optional<Path> jsonReport)
        implements FilterRequest {
    public MinidumpRequest {
        Objects.requireNonNull(vmcore);
        Objects.requireNonNull(regions);
        Objects.requireNonNull(output);
        Objects.requireNonNull(pmem);
        Objects.requireNonNull(jsonReport);
    }
}
