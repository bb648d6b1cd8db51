package dev.pmemdump.filter.cli;

/**
 * Every option of makedumpfile 1.7.2's command line (its getopt string {@code b:cDd:eEFfg:hi:lL:pRvXx:z}
 * and its long options, in its table's order, which is the order glibc lists an ambiguous
 * abbreviation's possibilities in), then pmemdump's own long options. An option with a
 * {@code refusal} is parsed as makedumpfile parses it and then refused in one line naming it: pmemdump
 * does not do what it asks, and a silent difference would be worse than a failed capture setup.
 */
enum MakedumpfileOption {
    // makedumpfile's short options
    BLOCK_ORDER('b', null, true, null),
    ZLIB('c', null, false, null),
    DEBUG('D', null, false, null),
    DUMP_LEVEL('d', null, true, null),
    EXCLUDE_VMEMMAP('e', null, false, "(exclude the page structures of excluded pages)"),
    ELF('E', null, false, null),
    FLATTEN('F', null, false, null),
    FORCE('f', null, false, null),
    GENERATE_VMCOREINFO('g', null, true, "(generate VMCOREINFO from vmlinux)"),
    READ_VMCOREINFO('i', null, true, "(read VMCOREINFO from a file)"),
    LZO('l', null, false, null),
    SIZE_LIMIT('L', null, true, null),
    SNAPPY('p', null, false, null),
    REARRANGE('R', null, false, null),
    VERSION('v', null, false, null),
    EXCLUDE_XEN_DOM('X', null, false, "(Xen domains)"),
    VMLINUX('x', null, true, "(filtering with vmlinux debug information)"),
    ZSTD('z', null, false, null),
    // makedumpfile's long options, in its table's order (-h and --help are one)
    SPLIT((char) 0, "split", false, null),
    REASSEMBLE((char) 0, "reassemble", false, null),
    XEN_SYMS((char) 0, "xen-syms", true, "(Xen)"),
    XEN_VMCOREINFO((char) 0, "xen-vmcoreinfo", true, "(Xen)"),
    XEN_PHYS_START((char) 0, "xen_phys_start", true, "(Xen)"),
    MESSAGE_LEVEL((char) 0, "message-level", true, null),
    VTOP((char) 0, "vtop", true, "(virtual to physical translation)"),
    DUMP_DMESG((char) 0, "dump-dmesg", false, null),
    PARTIAL_DMESG((char) 0, "partial-dmesg", false, null),
    CONFIG((char) 0, "config", true, "(filter configuration file)"),
    HELP('h', "help", false, null),
    DISKSET((char) 0, "diskset", true, "(sadump disk sets)"),
    CYCLIC_BUFFER((char) 0, "cyclic-buffer", true, null),
    EPPIC((char) 0, "eppic", true, "(eppic macros)"),
    NON_MMAP((char) 0, "non-mmap", false, null),
    MEM_USAGE((char) 0, "mem-usage", false, null),
    SPLITBLOCK_SIZE((char) 0, "splitblock-size", true, null),
    WORK_DIR((char) 0, "work-dir", true, null),
    NUM_THREADS((char) 0, "num-threads", true, null),
    CHECK_PARAMS((char) 0, "check-params", false, null),
    DRY_RUN((char) 0, "dry-run", false, null),
    SHOW_STATS((char) 0, "show-stats", false, null),
    // pmemdump's own long options
    JSON_REPORT((char) 0, "json-report", true, null),
    HTML_REPORT((char) 0, "html-report", true, null),
    PMEM_INFOBLOCK((char) 0, "pmem-infoblock", true, null),
    REGIONS((char) 0, "regions", true, null),
    IOMEM((char) 0, "iomem", true, null),
    CMDLINE((char) 0, "cmdline", true, null);

    final char shortName;
    final String longName;
    final boolean hasArg;
    /** Why pmemdump refuses it (what the option is for), or null when pmemdump accepts it. */
    final String refusal;

    MakedumpfileOption(char shortName, String longName, boolean hasArg, String refusal) {
        this.shortName = shortName;
        this.longName = longName;
        this.hasArg = hasArg;
        this.refusal = refusal;
    }

    /** True for pmemdump's own options, which makedumpfile does not have. */
    boolean pmemdumpOnly() {
        return ordinal() >= JSON_REPORT.ordinal();
    }

    /** The option as a user writes it: {@code -x} or {@code --config}. */
    String spelling() {
        return shortName != 0 ? "-" + shortName : "--" + longName;
    }
}
