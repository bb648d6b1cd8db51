package dev.pmemdump.loadplan;

import dev.pmemdump.vmcore.iomem.Iomem;
import dev.pmemdump.vmcore.iomem.Resource;
import dev.pmemdump.io.Range;

import java.util.ArrayList;
import java.util.List;

/**
 * Where an x86_64 kernel puts its {@code crashkernel=} reservation at boot (the rules of
 * arch/x86/kernel/setup.c in 6.1): memblock allocates top-down, aligned to 16 MiB, first below
 * 4 GiB and then anywhere below 64 TiB unless {@code ,high} asks for high memory first; a fixed
 * {@code @offset} must be 1 MiB aligned and free; a reservation above 4 GiB comes with a low part
 * below 4 GiB ({@code ,low} or max(swiotlb 64 MiB + 8 MiB, 256 MiB)).
 *
 * <p>Free memory is taken as the top-level "System RAM" minus the kernel image and the first MiB.
 * Early boot reservations that {@code /proc/iomem} does not show (initrd, firmware tables inside RAM)
 * are not known here, so on such machines the real kernel may land lower.
 */
public record CrashKernelReservation(List<Range> ranges, String message) {

    static final long CRASH_ALIGN = 16L << 20;
    static final long OFFSET_ALIGN = 1L << 20;
    static final long LOW_MAX = 4L << 30;
    static final long HIGH_MAX = 64L << 40;
    static final long DEFAULT_LOW = Math.max((64L << 20) + (8L << 20), 256L << 20);
    private static final long LOW_1M = 1L << 20;

    public CrashKernelReservation {
        ranges = List.copyOf(ranges);
    }

    /**
     * The reservation the kernel makes for the given {@code crashkernel=} values (as on a command
     * line: the last plain one wins, {@code ,high} is the fallback, {@code ,low} sizes the low part).
     */
    public static CrashKernelReservation place(Iomem iomem, List<CrashKernelSpec> specs) {
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("no crashkernel= value to place");
        }
        long ram = iomem.bootRamSize();
        CrashKernelSpec main = null;
        long size = 0;
        for (CrashKernelSpec s : specs) {
            if (s.kind() == CrashKernelSpec.Kind.SIMPLE || s.kind() == CrashKernelSpec.Kind.RANGES) {
                main = s;
            }
        }
        if (main != null) {
            size = main.sizeFor(ram);
        }
        boolean high = false;
        if (size == 0) {
            CrashKernelSpec h = last(specs, CrashKernelSpec.Kind.HIGH);
            if (h != null && h.size() > 0) {
                main = h;
                size = h.size();
                high = true;
            }
        }
        if (main == null) {
            throw new CrashKernelException(specs.getFirst().text(), "only a ,low size given; it needs a crashkernel= "
                    + "or crashkernel=,high reservation to go with it");
        }
        if (size == 0) {
            throw new CrashKernelException(main.text(), main.kind() == CrashKernelSpec.Kind.RANGES
                    ? "no range matches System RAM " + CrashKernelSpec.mb(ram) + "; the kernel reserves nothing"
                    : "size is zero; the kernel reserves nothing");
        }
        List<Range> free = freeMemory(iomem);
        long base;
        if (main.offset() != CrashKernelSpec.ANYWHERE) {
            base = main.offset();
            Range want = range(main, base, size);
            if (base % OFFSET_ALIGN != 0) {
                throw new CrashKernelException(main.text(), "offset 0x" + Long.toHexString(base)
                        + " is not 1 MiB aligned; reservation failed");
            }
            if (free.stream().noneMatch(r -> r.contains(want))) {
                throw new CrashKernelException(main.text(), "memory " + Resource.notation(want)
                        + " is in use or not RAM; reservation failed");
            }
        } else {
            base = high ? -1 : topDown(free, size, CRASH_ALIGN, CRASH_ALIGN, LOW_MAX);
            if (base < 0) {
                base = topDown(free, size, CRASH_ALIGN, CRASH_ALIGN, HIGH_MAX);
            }
            if (base < 0) {
                throw new CrashKernelException(main.text(), "no suitable area found for "
                        + CrashKernelSpec.mb(size) + " (System RAM: " + CrashKernelSpec.mb(ram) + ")");
            }
        }
        List<Range> out = new ArrayList<>();
        out.add(range(main, base, size));
        String message = "Reserving " + CrashKernelSpec.mb(size) + " of memory at " + CrashKernelSpec.mb(base)
                + " for crashkernel (System RAM: " + CrashKernelSpec.mb(ram) + ")";
        if (base >= LOW_MAX) {
            CrashKernelSpec lowSpec = last(specs, CrashKernelSpec.Kind.LOW);
            long lowSize = lowSpec == null ? DEFAULT_LOW : lowSpec.size();
            if (lowSize > 0) {
                long low = topDown(free, lowSize, CRASH_ALIGN, 0, LOW_MAX);
                if (low < 0) {
                    throw new CrashKernelException(lowSpec == null ? main.text() : lowSpec.text(),
                            "cannot reserve " + CrashKernelSpec.mb(lowSize)
                                    + " crashkernel low memory, please try smaller size");
                }
                out.addFirst(Range.ofLength(low, lowSize));
                message = "Reserving " + CrashKernelSpec.mb(lowSize) + " of low memory at " + CrashKernelSpec.mb(low)
                        + " for crashkernel (low RAM limit: " + CrashKernelSpec.mb(Math.min(ram, LOW_MAX)) + ")\n"
                        + message;
            }
        }
        return new CrashKernelReservation(out, message);
    }

    private static Range range(CrashKernelSpec spec, long base, long size) {
        try {
            return Range.ofLength(base, size);
        } catch (ArithmeticException e) {
            throw new CrashKernelException(spec.text(), "offset + size overflow 64 bits");
        }
    }

    private static CrashKernelSpec last(List<CrashKernelSpec> specs, CrashKernelSpec.Kind kind) {
        CrashKernelSpec found = null;
        for (CrashKernelSpec s : specs) {
            if (s.kind() == kind) {
                found = s;
            }
        }
        return found;
    }

    /** Boot RAM the allocator may hand out: System RAM minus the kernel image, old reservations and the first MiB. */
    static List<Range> freeMemory(Iomem iomem) {
        List<Range> ram = iomem.roots().stream()
                .filter(r -> r.name().equals(Resource.SYSTEM_RAM)).map(Resource::range).toList();
        List<Range> used = new ArrayList<>(iomem.matching(r -> r.isKernelImage()
                || r.name().equals(Resource.CRASH_KERNEL)).stream().map(Resource::range).toList());
        used.add(new Range(0, LOW_1M));
        return RangeSet.of(ram).minus(used).ranges();
    }

    /** memblock's top-down search: the highest {@code align}ed base in {@code [min, max)} where {@code size} fits. */
    static long topDown(List<Range> free, long size, long align, long min, long max) {
        for (int i = free.size() - 1; i >= 0; i--) {
            Range r = free.get(i);
            long top = Math.min(r.end(), max);
            long lowest = Math.max(r.start(), min);
            if (top - lowest < size) {
                continue;
            }
            long base = (top - size) & -align;
            if (base >= lowest) {
                return base;
            }
        }
        return -1;
    }
}
