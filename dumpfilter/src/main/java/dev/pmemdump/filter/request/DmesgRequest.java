package dev.pmemdump.filter.request;

import java.nio.file.Path;
import java.util.Objects;

/** --dump-dmesg: the kernel log from the vmcore's printk ring buffer, formatted as makedumpfile does. */
public record DmesgRequest(Path vmcore, Path logfile) implements FilterRequest {
    public DmesgRequest {
        Objects.requireNonNull(vmcore);
        Objects.requireNonNull(logfile);
    }
}
