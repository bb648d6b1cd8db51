package dev.pmemdump.loadplan;

/**
 * x86_64 virtual memory constants both producers use (arch/x86/include/asm/page_64_types.h and
 * kexec-tools' crashdump-x86.h).
 */
public final class X86Layout {
    private X86Layout() {}

    /** Start of the kernel text mapping. */
    public static final long START_KERNEL_MAP = 0xffffffff80000000L;
    /** Default CONFIG_PHYSICAL_START: _text is START_KERNEL_MAP + this + KERNELOFFSET. */
    public static final long PHYSICAL_START = 0x1000000L;
    /** Direct map base with 4-level paging and no KASLR. */
    public static final long PAGE_OFFSET = 0xffff888000000000L;
    /** kexec-tools' backup region: the first 640 KiB that purgatory copies into crash memory. */
    public static final long BACKUP_SRC_END = 0x9ffffL;
    /** The kernel's low 1 MiB, always reserved and left out by kexec_file_load. */
    public static final long LOW_1M = 1L << 20;
    /** {@code sizeof(note_buf_t)}: two note headers, "CORE" and the 336-byte elf_prstatus. */
    public static final long NOTE_BUF_BYTES = 12 * 2 + 8 + 336;
    /** kexec-tools' per-CPU note size when {@code crash_notes_size} is missing (MAX_NOTE_BYTES). */
    public static final long KEXEC_TOOLS_NOTE_BYTES = 1024;
    /** kexec-tools aligns the kernel text PT_LOAD start down to this. */
    public static final long KERN_VADDR_ALIGN = 1L << 20;
    public static final long PAGE_SIZE = 4096;

    /** NR_CPUS with CONFIG_MAXSMP, the largest x86_64 kernel configuration: one note buffer each. */
    public static final int MAX_CPUS = 8192;
}
