package dev.pmemdump.filter.request;

import dev.pmemdump.io.ReadMethod;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * --dump-dmesg: the kernel log from the vmcore's printk ring buffer, formatted as makedumpfile does.
 *
 * @param logfile the file to write, or empty for {@code stdout} (-F)
 * @param stdout  where the log goes without a logfile
 * @param partial --partial-dmesg: only the records since the last {@code dmesg -c}
 * @param reading how the input is read (--non-mmap: pread only)
 */
public record DmesgRequest(Path vmcore, Optional<Path> logfile, OutputStream stdout, boolean partial,
                           ReadMethod reading) implements FilterRequest {
    public DmesgRequest {
        Objects.requireNonNull(vmcore);
        Objects.requireNonNull(reading);
        Objects.requireNonNull(logfile);
        if (logfile.isEmpty()) {
            Objects.requireNonNull(stdout);
        }
    }

    /** The whole log into {@code logfile}. */
    public DmesgRequest(Path vmcore, Path logfile) {
        this(vmcore, Optional.of(logfile), null, false, ReadMethod.MMAP_WHERE_FASTER);
    }
}
