package dev.pmemdump.io;

/**
 * How a dump input's runs of pages are read: through mmap windows where they pay (a file of procfs,
 * i.e. /proc/vmcore, whose read(2) maps each old-kernel page on its own), else pread; or with pread
 * only (makedumpfile's {@code --non-mmap}, for a kernel whose /proc/vmcore mmap misbehaves).
 */
public enum ReadMethod {
    MMAP_WHERE_FASTER,
    PREAD_ONLY
}
