package dev.pmemdump.filter.report;

import dev.pmemdump.filter.level.PageCounter;

/** What a stretch of physical address space is, and what the dump did with it; one colour each. */
public enum SpanKind {
    HOLE("#ffffff", "hole (no memory)"),
    RAM_KEPT("#4c78a8", "RAM kept (kernel, slab, ...)"),
    RAM_EXCLUDED("#f2e6c9", "RAM excluded by the dump level"),
    RAM_ZERO("#d0d7de", "zero pages"),
    RAM_CACHE("#72b7b2", "RAM page cache"),
    RAM_CACHE_PRIVATE("#54a24b", "RAM page cache with private"),
    RAM_USER("#f58518", "RAM user data"),
    RAM_FREE("#bab0ac", "RAM free pages"),
    RAM_HWPOISON("#9d755d", "RAM hwpoison pages"),
    RAM_OFFLINE("#8c8c8c", "RAM offline pages"),
    PMEM_METADATA_KEPT("#b279a2", "pmem metadata kept"),
    PMEM_METADATA_DROPPED("#eeca3b", "pmem metadata dropped (-d 0x20)"),
    PMEM_USERDATA_EXCLUDED("#e45756", "pmem user data excluded"),
    PMEM_USERDATA_KEPT("#000000", "pmem user data KEPT (a leak)");

    private final String color;
    private final String legend;

    SpanKind(String color, String legend) {
        this.color = color;
        this.legend = legend;
    }

    /** CSS colour, also what a screenshot test looks for. */
    public String color() {
        return color;
    }

    public String legend() {
        return legend;
    }

    /** How the map draws pages excluded under {@code counter}. */
    public static SpanKind excluded(PageCounter counter) {
        return switch (counter) {
            case ZERO -> RAM_ZERO;
            case CACHE -> RAM_CACHE;
            case CACHE_PRIVATE -> RAM_CACHE_PRIVATE;
            case USER -> RAM_USER;
            case FREE -> RAM_FREE;
            case HWPOISON -> RAM_HWPOISON;
            case OFFLINE -> RAM_OFFLINE;
            case PMEM_METADATA -> PMEM_METADATA_DROPPED;
            case PMEM_USERDATA -> PMEM_USERDATA_EXCLUDED;
        };
    }
}
