package dev.pmemdump.vmcore.elf;

import java.nio.ByteOrder;

/**
 * The machine-specific facts of a Linux core file in one place: {@code e_machine}, byte order and
 * the page size the capture kernel uses to lay out /proc/vmcore. x86_64 is what the rest of the
 * project targets; the others are here so a reader does not reject their dumps.
 */
public enum ElfMachine {
    X86_64(62, ByteOrder.LITTLE_ENDIAN, 4096, "x86_64"),
    AARCH64(183, ByteOrder.LITTLE_ENDIAN, 4096, "arm64"),
    PPC64LE(21, ByteOrder.LITTLE_ENDIAN, 65536, "ppc64le"),
    PPC64(21, ByteOrder.BIG_ENDIAN, 65536, "ppc64");

    private final int emMachine;
    private final ByteOrder order;
    private final int defaultPageSize;
    private final String linuxName;

    ElfMachine(int emMachine, ByteOrder order, int defaultPageSize, String linuxName) {
        this.emMachine = emMachine;
        this.order = order;
        this.defaultPageSize = defaultPageSize;
        this.linuxName = linuxName;
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
