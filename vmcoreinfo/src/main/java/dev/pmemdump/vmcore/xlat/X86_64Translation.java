package dev.pmemdump.vmcore.xlat;

import dev.pmemdump.io.CorruptInputException;

import java.nio.ByteOrder;
import java.util.List;
import java.util.OptionalLong;

import static dev.pmemdump.vmcore.xlat.X86_64.START_KERNEL_MAP;

/**
 * x86_64 kernel address translation (docs/dump-formats.md §1.2, §4.4): the kernel text map at
 * {@code __START_KERNEL_map} (pa = va - __START_KERNEL_map + phys_base), the direct map at
 * PAGE_OFFSET when its base is known (page_offset_base moves with KASLR and is not in VMCOREINFO),
 * and a 4- or 5-level page-table walk from {@code SYMBOL(init_top_pgt)} for everything else. The
 * layout facts are {@link X86_64}'s; what this kernel chose comes in as {@link TranslationHints}.
 */
public final class X86_64Translation implements AddressTranslation {
    private static final String WALK_4K = "page tables (4 KiB page)";
    private static final String WALK_2M = "page tables (2 MiB page at PMD)";
    private static final String WALK_1G = "page tables (1 GiB page at PUD)";

    private final PhysicalMemory memory;
    private final long topTable;
    private final X86_64.Paging paging;
    private final long physBase;
    private final long kernelImageSize;
    private final OptionalLong pageOffset;
    private final long directMapSize;
    private final long smeMask;

    /**
     * @param topTable        physical address of the top page table (init_top_pgt)
     * @param pageOffset      direct-map base if known; empty sends direct-map addresses through the walk
     * @param maxPhysmemBits  the direct map covers at most 2^bits bytes
     */
    public X86_64Translation(PhysicalMemory memory, long topTable, boolean fiveLevel, long physBase,
                             long kernelImageSize, OptionalLong pageOffset, int maxPhysmemBits, long smeMask) {
        this(memory, topTable, fiveLevel, physBase, kernelImageSize, pageOffset, 1L << maxPhysmemBits, smeMask);
    }

    /**
     * @param directMapBytes  how far past {@code pageOffset} the direct-map shortcut applies. With KASLR the
     *                        vmalloc area can start a few TiB after page_offset_base, well inside
     *                        2^MAX_PHYSMEM_BITS, so callers that know the RAM size should pass it
     */
    public X86_64Translation(PhysicalMemory memory, long topTable, boolean fiveLevel, long physBase,
                             long kernelImageSize, OptionalLong pageOffset, long directMapBytes, long smeMask) {
        this.memory = memory;
        this.topTable = topTable;
        this.paging = X86_64.Paging.of(fiveLevel);
        this.physBase = physBase;
        this.kernelImageSize = kernelImageSize;
        this.pageOffset = pageOffset;
        this.directMapSize = directMapBytes;
        this.smeMask = smeMask;
    }

    /**
     * The translation the hints describe: NUMBER(pgtable_l5_enabled) picks the paging depth;
     * phys_base is NUMBER(phys_base), else what the file header records, else what the text-map range
     * shows, else 0; the top table is SYMBOL(init_top_pgt) (SYMBOL(init_level4_pgt) before 4.13); the
     * direct-map base is taken from the mapped ranges when they show it, and the shortcut is used only
     * up to the end of the RAM they cover.
     */
    public static X86_64Translation of(PhysicalMemory memory, TranslationHints hints) throws CorruptInputException {
        boolean l5 = hints.number("pgtable_l5_enabled").orElse(0) != 0;
        List<MappedRange> ranges = hints.mappedRanges();
        OptionalLong physBaseNumber = hints.number("phys_base");
        long physBase = physBaseNumber.isPresent() ? physBaseNumber.getAsLong()
                : hints.recordedPhysBase().orElse(X86_64.physBase(ranges).orElse(0));
        OptionalLong pgt = hints.symbol("init_top_pgt");
        if (pgt.isEmpty()) {
            pgt = hints.symbol("init_level4_pgt");
        }
        if (pgt.isEmpty()) {
            throw hints.missing("SYMBOL(init_level4_pgt)");
        }
        return new X86_64Translation(memory, pgt.getAsLong() - START_KERNEL_MAP + physBase, l5, physBase,
                hints.number("KERNEL_IMAGE_SIZE").orElse(X86_64.KERNEL_IMAGE_SIZE), X86_64.pageOffset(ranges),
                X86_64.ramEnd(ranges), hints.number("sme_mask").orElse(0));
    }

    public long topTable() {
        return topTable;
    }

    public boolean fiveLevel() {
        return paging == X86_64.Paging.FIVE_LEVEL;
    }

    public long physBase() {
        return physBase;
    }

    public OptionalLong pageOffset() {
        return pageOffset;
    }

    @Override
    public Mapping translate(long va) throws CorruptInputException {
        if (X86_64.inKernelText(va, kernelImageSize)) {
            return new Mapping(va, va - START_KERNEL_MAP + physBase, X86_64.PAGE_SIZE, "kernel text map");
        }
        if (pageOffset.isPresent() && Long.compareUnsigned(va - pageOffset.getAsLong(), directMapSize) < 0) {
            return new Mapping(va, va - pageOffset.getAsLong(), X86_64.PAGE_SIZE, "direct map");
        }
        return walk(va);
    }

    /** Translates through the page tables only (no shortcut), as makedumpfile does for every address. */
    public Mapping walk(long va) throws CorruptInputException {
        int vaBits = paging.vaBits();
        if ((va >> (vaBits - 1)) != 0 && (va >> (vaBits - 1)) != -1) {
            throw new NotMappedException(memory.name(), va, "not canonical for " + paging.levels().size()
                    + "-level paging");
        }
        List<String> levels = paging.levels();
        long table = topTable;
        for (int level = 0; level < levels.size(); level++) {
            int shift = paging.shift(level);
            int index = (int) ((va >>> shift) & (X86_64.ENTRIES_PER_TABLE - 1));
            long entryAddress = table + 8L * index;
            long entry;
            try {
                entry = memory.readLong(entryAddress, ByteOrder.LITTLE_ENDIAN);
            } catch (CorruptInputException e) {
                throw new NotMappedException(memory.name(), va, levels.get(level) + " table at physical 0x"
                        + Long.toHexString(table) + " is not in the dump", e);
            }
            if ((entry & X86_64.PTE_PRESENT) == 0) {
                throw new NotMappedException(memory.name(), va, levels.get(level) + " entry " + index + " (0x"
                        + Long.toHexString(entry) + " at physical 0x" + Long.toHexString(entryAddress) + ") is not present");
            }
            long address = entry & X86_64.ENTRY_ADDRESS_MASK & ~smeMask;
            boolean leaf = level == levels.size() - 1;
            long size = 1L << shift;
            boolean large = (entry & X86_64.PTE_PSE) != 0 && (size == X86_64.PAGE_1G || size == X86_64.PAGE_2M);
            if (leaf || large) {
                long base = address & -size;
                return new Mapping(va, base | (va & (size - 1)), size,
                        leaf ? WALK_4K : size == X86_64.PAGE_1G ? WALK_1G : WALK_2M);
            }
            table = address;
        }
        throw new AssertionError("unreachable");
    }
}
