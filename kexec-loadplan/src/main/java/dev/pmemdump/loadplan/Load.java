package dev.pmemdump.loadplan;

import java.util.List;

/**
 * One PT_LOAD of the elfcorehdr: physical and virtual start, size, where the capture kernel reads
 * the bytes ({@code source}, the elfcorehdr's {@code p_offset}: the physical address itself, or a
 * copy such as the kexec_load backup region or the fadump boot-memory copy) and whether it is pmem,
 * which sets {@link #PF_DEV} in {@code p_flags} (the 2023 pmem RFC's marker).
 */
public record Load(Kind kind, long phys, long virt, long size, long source, boolean pmem) {

    public enum Kind { KERNEL_TEXT, RAM, PMEM }

    public static final int PF_X = 0x1;
    public static final int PF_W = 0x2;
    public static final int PF_R = 0x4;
    /** The RFC's "range is on a device" flag, bit 4 (not in elf.h). */
    public static final int PF_DEV = 0x10;
    /** A load whose physical address is unknown (makedumpfile's NOT_PADDR), as read back from some dumps. */
    public static final long NO_PHYS = -1;

    public Load {
        if (size <= 0) {
            throw new IllegalArgumentException("PT_LOAD size must be positive: " + size);
        }
    }

    /** {@code p_flags}: RWX as both producers write it, plus PF_DEV for pmem. */
    public int flags() {
        return PF_R | PF_W | PF_X | (pmem ? PF_DEV : 0);
    }

    /** Exclusive end, as makedumpfile prints {@code phys_end}. */
    public long physEnd() {
        return phys + size;
    }

    public long virtEnd() {
        return virt + size;
    }

    /**
     * Whether {@code [start, end)} lies inside a pmem load. Only loads with a known physical address
     * count: in the RFC's makedumpfile one pmem load without a physical address made every range pmem.
     */
    public static boolean isPmemRange(List<Load> loads, long start, long end) {
        for (Load l : loads) {
            if (l.pmem && l.phys != NO_PHYS && l.phys <= start && end <= l.physEnd()) {
                return true;
            }
        }
        return false;
    }
}
