package dev.pmemdump.filter.level;

/** makedumpfile's -d bits (docs/dump-formats.md §4.1) plus the RFC's pmem metadata bit (docs/rfc.md §3c). */
public final class DumpLevel {
    private DumpLevel() {}

    public static final int EXCLUDE_ZERO = 0x01;
    public static final int EXCLUDE_CACHE = 0x02;
    public static final int EXCLUDE_CACHE_PRI = 0x04;
    public static final int EXCLUDE_USER_DATA = 0x08;
    public static final int EXCLUDE_FREE = 0x10;
    public static final int EXCLUDE_PMEM_META = 0x20;
    public static final int MAX_DUMP_LEVEL = 63;
    /** makedumpfile's default when -d is not given. */
    public static final int DEFAULT = 0;
}
