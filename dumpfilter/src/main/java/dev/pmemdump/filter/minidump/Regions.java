package dev.pmemdump.filter.minidump;

import dev.pmemdump.io.Range;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.MemParse;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.xlat.AddressTranslation;
import dev.pmemdump.vmcore.xlat.KernelMemory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The named regions a kmemdump-style minidump keeps (docs/dump-formats.md §5.1), from a {@code --regions}
 * list: {@code vmcoreinfo} (the page holding each VMCOREINFO symbol), {@code pmem-metadata},
 * {@code sym:NAME[:SIZE]} (SIZE defaults to VMCOREINFO's SIZE(NAME), else one page) and physical
 * ranges {@code START-END} or {@code START+SIZE}. Each region is one physically contiguous run.
 */
public final class Regions {
    /** Physical {@code [paddr, paddr + size)} seen at kernel virtual {@code vaddr} (0 when none). */
    public record Region(String name, long paddr, long size, long vaddr) {}

    private Regions() {}

    public static List<Region> parse(String spec, VmcoreInfo vi, KernelMemory kmem, List<Range> metadata,
                                     long pageSize, long pageOffset) throws CorruptInputException {
        Map<Long, Region> byStart = new LinkedHashMap<>();
        for (String item : spec.split(",")) {
            String it = item.trim();
            if (it.isEmpty()) {
                continue;
            }
            if (it.equals("vmcoreinfo")) {
                for (VmcoreInfo.Entry e : vi.entries()) {
                    if (e.key().startsWith("SYMBOL(") && e.key().endsWith(")")) {
                        String name = e.key().substring(7, e.key().length() - 1);
                        long va = vi.symbol(name);
                        addVirtual(byStart, name, va & -pageSize, pageSize, kmem, true);
                    }
                }
            } else if (it.equals("pmem-metadata")) {
                for (Range r : metadata) {
                    long pa = r.start() * pageSize;
                    byStart.putIfAbsent(pa, new Region("pmem-metadata", pa, r.length() * pageSize, pageOffset + pa));
                }
            } else if (it.startsWith("sym:")) {
                String[] p = it.split(":");
                String name = p[1];
                long size = p.length > 2 ? MemParse.parse(p[2])
                        : vi.has("SIZE(" + name + ")") ? vi.size(name) : pageSize;
                addVirtual(byStart, name, vi.symbol(name), size, kmem, false);
            } else {
                Range r = physical(it);
                byStart.putIfAbsent(r.start(), new Region(it, r.start(), r.length(), pageOffset + r.start()));
            }
        }
        List<Region> out = new ArrayList<>(byStart.values());
        out.sort(Comparator.comparingLong(Region::paddr));
        return out;
    }

    private static void addVirtual(Map<Long, Region> out, String name, long va, long size, KernelMemory kmem,
                                   boolean skipUnmapped) throws CorruptInputException {
        long done = 0;
        while (done < size) {
            AddressTranslation.Mapping m;
            try {
                m = kmem.translation().translate(va + done);
            } catch (CorruptInputException e) {
                if (skipUnmapped) {
                    return; // a symbol outside mapped memory (per-cpu offsets, ...) has no page to keep
                }
                throw e;
            }
            long n = Math.min(size - done, m.bytesToPageEnd());
            if (!kmem.physical().isPresent(m.physicalAddress(), n)) {
                if (skipUnmapped) {
                    return;
                }
                throw kmem.physical().notPresent(m.physicalAddress(), n);
            }
            out.putIfAbsent(m.physicalAddress(), new Region(name, m.physicalAddress(), n, va + done));
            done += n;
        }
    }

    private static Range physical(String item) {
        int dash = item.indexOf('-');
        int plus = item.indexOf('+');
        try {
            if (dash > 0) {
                long s = Long.decode(item.substring(0, dash));
                long e = Long.decode(item.substring(dash + 1));
                if (e > s && s >= 0) {
                    return new Range(s, e);
                }
            } else if (plus > 0) {
                long s = Long.decode(item.substring(0, plus));
                long n = MemParse.parse(item.substring(plus + 1));
                if (n > 0 && s >= 0 && s <= Long.MAX_VALUE - n) {
                    return Range.ofLength(s, n);
                }
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("--regions: '" + item + "' is neither vmcoreinfo, pmem-metadata, "
                + "sym:NAME[:SIZE], START-END nor START+SIZE");
    }
}
