package dev.pmemdump.vmcore.devm;

import dev.pmemdump.io.Range;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.xlat.AddressTranslation;
import dev.pmemdump.vmcore.xlat.KernelMemory;
import dev.pmemdump.vmcore.xlat.WritablePhysicalMemory;
import dev.pmemdump.vmcore.xlat.X86_64;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The pmem RFC v2 list of on-device memmap ranges (docs/rfc.md §1): a {@code struct devm_memmap_vmcore}
 * head at {@code SYMBOL(devm_memmap_vmcore_head)} and one node per namespace with {@code --map=dev},
 * linked by {@code list_add}, so newest first. {@code start}/{@code end} are page frame numbers of the
 * half-open range {@code [altmap base_pfn, base_pfn + PHYS_PFN(dataoff))}.
 */
public final class DevmMemmapList {
    private DevmMemmapList() {}

    public static final String HEAD_SYMBOL = "devm_memmap_vmcore_head";
    public static final String STRUCT = "devm_memmap_vmcore";
    /** More entries than this is not a list of namespaces but a corrupt pointer chain. */
    public static final int MAX_ENTRIES = 4096;
    /** Memory sections are hot-added in 2 MiB subsections; base_pfn is aligned down to one. */
    static final long SUBSECTION_PFNS = (2L << 20) >>> 12;
    static final int PAGE_SHIFT = X86_64.PAGE_SHIFT;

    /**
     * Field offsets of {@code struct devm_memmap_vmcore}; {@code match} (the namespace cookie) is not
     * exported to VMCOREINFO, so only export writes it.
     */
    public record Layout(long size, long entry, long start, long end, long match) {
        /** x86_64 / any LP64 kernel: list_head 0, start 16, end 24, match 32, size 40. */
        public static final Layout LP64 = new Layout(40, 0, 16, 24, 32);

        /** The offsets VMCOREINFO gives; a missing key is a named error. */
        public static Layout of(VmcoreInfo info) throws CorruptInputException {
            return new Layout(info.size(STRUCT), info.offset(STRUCT, "entry"), info.offset(STRUCT, "start"),
                    info.offset(STRUCT, "end"), -1);
        }
    }

    /** One node as restored: its kernel address and its pfn range {@code [startPfn, endPfn)}. */
    public record Entry(long address, long startPfn, long endPfn) {
        public long pages() {
            return endPfn - startPfn;
        }
    }

    /** One namespace registration for export: where the node lives, its range and its cookie. */
    public record Registration(long nodeAddress, long startPfn, long endPfn, long match) {}

    /**
     * The range {@code __nvdimm_setup_pfn()} registers for a {@code --map=dev} namespace whose
     * resource starts at {@code resourceStart} with {@code startPad} and whose info block says
     * {@code dataoff}: {@code [SUBSECTION_ALIGN_DOWN(PHYS_PFN(start + pad)), + PHYS_PFN(dataoff))}.
     */
    public static Range memmapPfnRange(long resourceStart, long startPad, long dataoff) {
        long basePfn = ((resourceStart + startPad) >>> PAGE_SHIFT) & -SUBSECTION_PFNS;
        return Range.ofLength(basePfn, dataoff >>> PAGE_SHIFT);
    }

    /** The five lines the RFC kernel adds to VMCOREINFO, in its order. */
    public static List<VmcoreInfo.Entry> vmcoreInfoLines(long headAddress, Layout layout) {
        return VmcoreInfo.builder().symbol(HEAD_SYMBOL, headAddress).size(STRUCT, layout.size())
                .offset(STRUCT, "entry", layout.entry()).offset(STRUCT, "start", layout.start())
                .offset(STRUCT, "end", layout.end()).entries();
    }

    /** {@code info} with the five lines where the RFC kernel prints them: just before SYMBOL(mem_section). */
    public static VmcoreInfo withVmcoreInfoLines(VmcoreInfo info, long headAddress, Layout layout) {
        return info.insertBefore("SYMBOL(mem_section)", vmcoreInfoLines(headAddress, layout));
    }

    /**
     * Writes the head at {@code headAddress} and one node per registration (oldest first in
     * {@code registrations}) into {@code ram}, linked as successive {@code list_add()} calls leave them.
     */
    public static void export(WritablePhysicalMemory ram, AddressTranslation translation, ByteOrder order,
                              long headAddress, List<Registration> registrations, Layout layout)
            throws CorruptInputException {
        int n = registrations.size();
        long headList = headAddress + layout.entry();
        // list_add puts each new node right after the head: newest first.
        List<Long> chain = new ArrayList<>();
        for (int i = n - 1; i >= 0; i--) {
            chain.add(registrations.get(i).nodeAddress() + layout.entry());
        }
        writeNode(ram, translation, order, layout, headAddress,
                n == 0 ? headList : chain.getFirst(), n == 0 ? headList : chain.getLast(), 0, 0, 0);
        for (int k = 0; k < n; k++) {
            Registration r = registrations.get(n - 1 - k);
            if (r.endPfn() <= r.startPfn()) {
                throw new IllegalArgumentException("empty memmap range [" + r.startPfn() + ", " + r.endPfn() + ")");
            }
            long next = k + 1 < n ? chain.get(k + 1) : headList;
            long prev = k > 0 ? chain.get(k - 1) : headList;
            writeNode(ram, translation, order, layout, r.nodeAddress(), next, prev, r.startPfn(), r.endPfn(), r.match());
        }
    }

    private static void writeNode(WritablePhysicalMemory ram, AddressTranslation translation, ByteOrder order,
                                  Layout layout, long address, long next, long prev, long start, long end, long match)
            throws CorruptInputException {
        MemorySegment node = MemorySegment.ofArray(new byte[(int) layout.size()]);
        ValueLayout.OfLong u64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order);
        node.set(u64, layout.entry(), next);
        node.set(u64, layout.entry() + 8, prev);
        node.set(u64, layout.start(), start);
        node.set(u64, layout.end(), end);
        node.set(u64, layout.match(), match);
        AddressTranslation.Mapping m = translation.translate(address);
        if (m.bytesToPageEnd() < layout.size()) {
            throw new IllegalArgumentException("node at 0x" + Long.toHexString(address) + " crosses a page boundary");
        }
        ram.write(m.physicalAddress(), node);
    }

    /**
     * Walks the list of a dump. Empty when the kernel did not export it (no SYMBOL line); otherwise the
     * entries newest first. A cycle, a pointer the dump does not hold, a broken back link, more than
     * {@link #MAX_ENTRIES} nodes or an entry with {@code end <= start} is a named error.
     */
    public static Optional<List<Entry>> restore(VmcoreInfo info, KernelMemory kernel) throws CorruptInputException {
        if (info.findSymbol(HEAD_SYMBOL).isEmpty()) {
            return Optional.empty();
        }
        long head = info.symbol(HEAD_SYMBOL);
        Layout layout = Layout.of(info);
        long nextOff = offsetOr(info, "next", 0);
        long prevOff = offsetOr(info, "prev", 8);
        long maxPfn = 1L << (info.findNumber("MAX_PHYSMEM_BITS").orElse(X86_64.MAX_PHYSMEM_BITS_L5) - PAGE_SHIFT);
        long headList = head + layout.entry();
        String where = kernel.physical().name();
        List<Entry> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        long prev = headList;
        long cur = read(kernel, headList + nextOff, where, "the head at 0x" + Long.toHexString(head));
        while (cur != headList) {
            String from = "node 0x" + Long.toHexString(cur - layout.entry()) + " (next of 0x"
                    + Long.toHexString(prev - layout.entry()) + ")";
            if (!seen.add(cur)) {
                throw error(where, "cycle: " + from + " is reached twice");
            }
            if (seen.size() > MAX_ENTRIES) {
                throw error(where, "more than " + MAX_ENTRIES + " entries: the list is corrupt");
            }
            long node = cur - layout.entry();
            long back = read(kernel, cur + prevOff, where, from);
            if (back != prev) {
                throw error(where, from + " has prev 0x" + Long.toHexString(back) + ", not 0x" + Long.toHexString(prev));
            }
            long start = read(kernel, node + layout.start(), where, from);
            long end = read(kernel, node + layout.end(), where, from);
            if (Long.compareUnsigned(end, start) <= 0) {
                throw error(where, from + " has end pfn 0x" + Long.toHexString(end) + " <= start pfn 0x"
                        + Long.toHexString(start));
            }
            if (Long.compareUnsigned(end, maxPfn) > 0) {
                throw error(where, from + " has an absurd range [0x" + Long.toHexString(start) + ", 0x"
                        + Long.toHexString(end) + ") beyond the physical address space");
            }
            out.add(new Entry(node, start, end));
            prev = cur;
            cur = read(kernel, cur + nextOff, where, from);
        }
        long headPrev = read(kernel, headList + prevOff, where, "the head at 0x" + Long.toHexString(head));
        if (headPrev != prev) {
            throw error(where, "the head's prev 0x" + Long.toHexString(headPrev) + " is not the last node's list_head 0x"
                    + Long.toHexString(prev));
        }
        return Optional.of(out);
    }

    private static long offsetOr(VmcoreInfo info, String field, long fallback) throws CorruptInputException {
        return info.has("OFFSET(list_head." + field + ")") ? info.offset("list_head", field) : fallback;
    }

    private static long read(KernelMemory kernel, long va, String where, String whose) throws CorruptInputException {
        try {
            return kernel.readLong(va);
        } catch (CorruptInputException e) {
            throw new CorruptInputException(where, -1, "devm_memmap_vmcore list: " + whose + " lies outside the dump"
                    + " (reading 0x" + Long.toHexString(va) + ": " + withoutPrefix(e.getMessage(), where + ": ") + ")", e);
        }
    }

    private static String withoutPrefix(String s, String prefix) {
        return s.startsWith(prefix) ? s.substring(prefix.length()) : s;
    }

    private static CorruptInputException error(String where, String problem) {
        return new CorruptInputException(where, -1, "devm_memmap_vmcore list: " + problem);
    }
}
