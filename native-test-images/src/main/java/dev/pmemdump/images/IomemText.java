package dev.pmemdump.images;

import static dev.pmemdump.images.Linux61.*;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The first kernel's {@code /proc/iomem}, as x86_64 6.1 prints it for the scenario: firmware
 * "Reserved" gaps, "System RAM" with the kernel's code/rodata/data/bss and "Crash kernel" nested,
 * the usual PCI/APIC windows below 4 GiB, and pmem regions with their namespaces (and dax
 * devices) nested. Lines are {@code %0*llx-%0*llx : name} with width 8 and two spaces per level.
 */
public final class IomemText {
    private IomemText() {}

    /** One resource line: [start, end] inclusive, nesting depth, name. */
    public record Entry(long start, long end, int depth, String name) {}

    /** Fixed windows of a QEMU q35/pc machine, kept only where they do not collide with RAM. */
    private static final Object[][] PLATFORM = {
            {0xfec00000L, 0xfec003ffL, "IOAPIC 0"},
            {0xfed00000L, 0xfed003ffL, "HPET 0"},
            {0xfee00000L, 0xfee00fffL, "Local APIC"},
            {0xfffc0000L, 0xffffffffL, "Reserved"},
    };

    /**
     * @param pmemChildren per pmem region, the nested namespace/dax resources (depth 1) in order
     */
    public static List<Entry> entries(Scenario s, List<List<Entry>> pmemChildren) {
        List<Entry> out = new ArrayList<>();
        long prevEnd = 0;
        long textPa = s.kernelPhysAddress();
        for (Scenario.Range r : s.ram()) {
            if (r.startAddress() > prevEnd) {
                out.add(new Entry(prevEnd, r.startAddress() - 1, 0, "Reserved"));
            }
            out.add(new Entry(r.startAddress(), r.end() - 1, 0, "System RAM"));
            List<Entry> kids = new ArrayList<>();
            if (textPa >= r.startAddress() && textPa < r.end()) {
                kids.add(new Entry(textPa, textPa + IMAGE_CODE_END - 1, 1, "Kernel code"));
                kids.add(new Entry(textPa + IMAGE_RODATA, textPa + IMAGE_RODATA_END - 1, 1, "Kernel rodata"));
                kids.add(new Entry(textPa + IMAGE_DATA, textPa + IMAGE_DATA_END - 1, 1, "Kernel data"));
                kids.add(new Entry(textPa + IMAGE_BSS, textPa + IMAGE_BSS_END - 1, 1, "Kernel bss"));
            }
            Scenario.Range ck = s.crashkernel();
            if (ck != null && ck.startAddress() >= r.startAddress() && ck.startAddress() < r.end()) {
                kids.add(new Entry(ck.startAddress(), ck.end() - 1, 1, "Crash kernel"));
            }
            kids.sort(Comparator.comparingLong(Entry::start));
            out.addAll(kids);
            prevEnd = r.end();
        }
        long ramTop = prevEnd;
        if (ramTop < 0x100000000L) {
            long pciEnd = 0xfebfffffL;
            if (ramTop <= pciEnd) {
                out.add(new Entry(ramTop, pciEnd, 0, "PCI Bus 0000:00"));
            }
            for (Object[] p : PLATFORM) {
                if ((long) p[0] >= ramTop) {
                    out.add(new Entry((long) p[0], (long) p[1], 0, (String) p[2]));
                }
            }
        }
        List<Scenario.PmemRegion> regions = s.pmem() == null ? List.of() : s.pmem();
        for (int i = 0; i < regions.size(); i++) {
            Scenario.PmemRegion p = regions.get(i);
            out.add(new Entry(p.startAddress(), p.startAddress() + p.length() - 1, 0,
                    p.legacy() ? "Persistent Memory (legacy)" : "Persistent Memory"));
            out.addAll(pmemChildren.get(i));
        }
        return out;
    }

    public static String format(List<Entry> entries) {
        StringBuilder b = new StringBuilder();
        for (Entry e : entries) {
            b.append("  ".repeat(e.depth()))
                    .append(String.format("%08x-%08x : %s", e.start(), e.end(), e.name())).append('\n');
        }
        return b.toString();
    }
}
