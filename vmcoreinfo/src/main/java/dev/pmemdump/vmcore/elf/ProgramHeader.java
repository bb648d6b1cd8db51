package dev.pmemdump.vmcore.elf;

/**
 * One Elf64_Phdr. In a /proc/vmcore {@code offset} is a file offset; in a kexec elfcorehdr it is the
 * physical address where the segment's bytes lie.
 */
public record ProgramHeader(int type, int flags, long offset, long vaddr, long paddr, long filesz, long memsz,
                            long align) {
    public static final int PT_LOAD = 1;
    public static final int PT_NOTE = 4;
    public static final int PF_X = 0x1;
    public static final int PF_W = 0x2;
    public static final int PF_R = 0x4;
    /** Marks a PT_LOAD that covers persistent memory (pmem RFC, docs/rfc.md §2). */
    public static final int PF_DEV = 0x10;
    public static final int PF_RWX = PF_R | PF_W | PF_X;

    /** A PT_LOAD as both kernel producers write it: p_filesz = p_memsz, p_align 0. */
    public static ProgramHeader load(int flags, long offset, long vaddr, long paddr, long size) {
        return new ProgramHeader(PT_LOAD, flags, offset, vaddr, paddr, size, size, 0);
    }

    /** An elfcorehdr PT_NOTE: the note buffer's physical address in both p_offset and p_paddr. */
    public static ProgramHeader elfcorehdrNote(long physAddr, long size) {
        return new ProgramHeader(PT_NOTE, 0, physAddr, 0, physAddr, size, size, 0);
    }

    /** A /proc/vmcore PT_NOTE: flags, addresses and alignment 0 as the capture kernel writes them. */
    public static ProgramHeader note(long offset, long size) {
        return new ProgramHeader(PT_NOTE, 0, offset, 0, 0, size, size, 0);
    }

    public boolean isLoad() {
        return type == PT_LOAD;
    }

    public boolean isNote() {
        return type == PT_NOTE;
    }

    /** A PT_LOAD of persistent memory (PF_DEV set). */
    public boolean isPmem() {
        return isLoad() && (flags & PF_DEV) != 0;
    }

    /** This header with another {@code p_offset}. */
    public ProgramHeader withOffset(long newOffset) {
        return new ProgramHeader(type, flags, newOffset, vaddr, paddr, filesz, memsz, align);
    }

    /** True when physical address {@code pa} lies in {@code [paddr, paddr + memsz)}. */
    public boolean containsPhysical(long pa) {
        return Long.compareUnsigned(pa - paddr, memsz) < 0;
    }

    /** "LOAD", "NOTE" or the number in hex, as readelf names the type. */
    public String typeName() {
        return switch (type) {
            case PT_LOAD -> "LOAD";
            case PT_NOTE -> "NOTE";
            default -> "0x" + Integer.toHexString(type);
        };
    }

    @Override
    public String toString() {
        return String.format("%s off=0x%x vaddr=0x%x paddr=0x%x filesz=0x%x memsz=0x%x flags=0x%x align=0x%x",
                typeName(), offset, vaddr, paddr, filesz, memsz, flags, align);
    }
}
