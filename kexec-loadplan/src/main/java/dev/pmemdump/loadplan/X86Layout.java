package dev.pmemdump.loadplan;

import dev.pmemdump.vmcore.xlat.X86_64;

/**
 * x86_64 constants both producers use (kexec-tools' crashdump-x86.h and the kernel's kexec_file): the
 * virtual layout is {@link X86_64}'s, named here as the load planner uses it; the rest is kexec's own.
 */
public final class X86Layout {
    private X86Layout() {}

    /** Start of the kernel text mapping. */
    public static final long START_KERNEL_MAP = X86_64.START_KERNEL_MAP;
    /** Default CONFIG_PHYSICAL_START: _text is START_KERNEL_MAP + this + KERNELOFFSET. */
    public static final long PHYSICAL_START = X86_64.PHYSICAL_START;
    /** Direct map base with 4-level paging and no KASLR. */
    public static final long PAGE_OFFSET = X86_64.PAGE_OFFSET_L4;
    /** The kernel's low 1 MiB, always reserved and left out by kexec_file_load. */
    public static final long LOW_1M = 1L << 20;
    /** {@code sizeof(note_buf_t)}: two note headers, "CORE" and the 336-byte elf_prstatus. */
    public static final long NOTE_BUF_BYTES = 12 * 2 + 8 + 336;
    /** kexec-tools' per-CPU note size when {@code crash_notes_size} is missing (MAX_NOTE_BYTES). */
    public static final long KEXEC_TOOLS_NOTE_BYTES = 1024;
    /** kexec-tools aligns the kernel text PT_LOAD start down to this. */
    public static final long KERN_VADDR_ALIGN = 1L << 20;
    public static final long PAGE_SIZE = X86_64.PAGE_SIZE;

    /** NR_CPUS with CONFIG_MAXSMP, the largest x86_64 kernel configuration: one note buffer each. */
    public static final int MAX_CPUS = 8192;
}
