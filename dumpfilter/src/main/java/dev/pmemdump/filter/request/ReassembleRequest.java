package dev.pmemdump.filter.request;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** --reassemble: join the parts of a --split dump into one kdump-compressed dumpfile. */
public record ReassembleRequest(List<Path> parts, Path output) implements FilterRequest {
    public ReassembleRequest {
        parts = List.copyOf(parts);
        Objects.requireNonNull(output);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("--reassemble needs the split dumpfiles and the dumpfile to write");
        }
    }
}
