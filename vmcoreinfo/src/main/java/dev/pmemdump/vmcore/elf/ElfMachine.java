package dev.pmemdump.vmcore.elf;

import java.nio.ByteOrder;

/**
 * The machine-specific facts of a Linux core file in one place: {@code e_machine}, byte order and
 * the page size the capture kernel uses to lay out /proc/vmcore. x86_64 is what the rest of the
 * project targets; the others are here so a reader does not reject their dumps.
 */
public enum ElfMachine {
    // sizeof(struct elf_prstatus): 112 bytes of common fields, pr_reg (27, 34 or 48 registers), pr_fpvalid + pad
    X86_64(62, ByteOrder.LITTLE_ENDIAN, 4096, "x86_64", 336),
    AARCH64(183, ByteOrder.LITTLE_ENDIAN, 4096, "arm64", 392),
    PPC64LE(21, ByteOrder.LITTLE_ENDIAN, 65536, "ppc64le", 504),
    PPC64(21, ByteOrder.BIG_ENDIAN, 65536, "ppc64", 504);

    private final int emMachine;
    private final ByteOrder order;
    private final int defaultPageSize;
    private final String linuxName;
    private final int prstatusSize;

    ElfMachine(int emMachine, ByteOrder order, int defaultPageSize, String linuxName, int prstatusSize) {
        this.emMachine = emMachine;
        this.order = order;
        this.defaultPageSize = defaultPageSize;
        this.linuxName = linuxName;
        this.prstatusSize = prstatusSize;
    }

    /** {@code sizeof(struct elf_prstatus)}: the descriptor size of a CORE/NT_PRSTATUS note. */
    public int prstatusSize() {
        return prstatusSize;
    }

    /**
     * {@code sizeof(note_buf_t)} = CRASH_CORE_NOTE_BYTES: one note header, "CORE" padded to 8, the
     * prstatus, and the terminating empty header; the size of each per-CPU PT_NOTE in the elfcorehdr.
     */
    public int crashNoteBytes() {
        return 12 * 2 + 8 + prstatusSize;
    }

    /** The {@code e_machine} value. */
    public int emMachine() {
        return emMachine;
    }

    public ByteOrder order() {
        return order;
    }

    /** Page size of a default kernel build (the real one is VMCOREINFO's PAGESIZE). */
    public int defaultPageSize() {
        return defaultPageSize;
    }

    /** The kernel's ARCH name. */
    public String linuxName() {
        return linuxName;
    }

    /** The machine with this {@code e_machine} and byte order, or null. */
    public static ElfMachine of(int emMachine, ByteOrder order) {
        for (ElfMachine m : values()) {
            if (m.emMachine == emMachine && m.order == order) {
                return m;
            }
        }
        return null;
    }
}
