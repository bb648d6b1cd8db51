package dev.pmemdump.vmcore.xlat;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.elf.ProgramHeader;

import java.nio.ByteOrder;
import java.util.List;
import java.util.OptionalLong;

/**
 * x86_64 kernel address translation (docs/dump-formats.md §1.2, §4.4): the kernel text map at
 * {@code __START_KERNEL_map} (pa = va - __START_KERNEL_map + phys_base), the direct map at
 * PAGE_OFFSET when its base is known (page_offset_base moves with KASLR and is not in VMCOREINFO),
 * and a 4- or 5-level page-table walk from {@code SYMBOL(init_top_pgt)} for everything else.
 */
public final class X86_64Translation implements AddressTranslation {
    public static final long START_KERNEL_MAP = 0xffffffff80000000L;
    public static final long PAGE_OFFSET_L4 = 0xffff888000000000L;
    public static final long PAGE_OFFSET_L5 = 0xff11000000000000L;
    /** KERNEL_IMAGE_SIZE of a kernel without KASLR; VMCOREINFO's NUMBER(KERNEL_IMAGE_SIZE) wins. */
    public static final long DEFAULT_KERNEL_IMAGE_SIZE = 512L << 20;

    // Page-table entry bits (arch/x86/include/asm/pgtable_types.h).
    static final long PAGE_PRESENT = 0x1;
    static final long PAGE_PSE = 0x80;
    /** Physical address bits 12..51 of an entry. */
    static final long ENTRY_ADDRESS_MASK = 0x000ffffffffff000L;
    static final int ENTRIES_PER_TABLE = 512;
    static final long PAGE_4K = 1L << 12;
    static final long PAGE_2M = 1L << 21;
    static final long PAGE_1G = 1L << 30;

    private static final String WALK_4K = "page tables (4 KiB page)";
    private static final String WALK_2M = "page tables (2 MiB page at PMD)";
    private static final String WALK_1G = "page tables (1 GiB page at PUD)";
    private static final String[] LEVELS_4 = {"PGD", "PUD", "PMD", "PTE"};
    private static final String[] LEVELS_5 = {"PGD", "P4D", "PUD", "PMD", "PTE"};

    private final PhysicalMemory memory;
    private final long topTable;
    private final boolean fiveLevel;
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
        this.fiveLevel = fiveLevel;
        this.physBase = physBase;
        this.kernelImageSize = kernelImageSize;
        this.pageOffset = pageOffset;
        this.directMapSize = directMapBytes;
        this.smeMask = smeMask;
    }

    /**
     * The translation a dump describes: VMCOREINFO gives init_top_pgt, phys_base, the paging depth and
     * the image size; the direct-map base is taken from the PT_LOADs when they show it, and the
     * shortcut is used only up to the end of the RAM they cover.
     */
    public static X86_64Translation of(VmcoreInfo info, PhysicalMemory memory, List<ProgramHeader> loads)
            throws CorruptInputException {
        boolean l5 = info.findNumber("pgtable_l5_enabled").orElse(0) != 0;
        long physBase = info.findNumber("phys_base").isPresent() ? info.number("phys_base") : physBaseFromLoads(loads);
        long pgt = info.findSymbol("init_top_pgt").isPresent() ? info.symbol("init_top_pgt")
                : info.symbol("init_level4_pgt");
        long ramEnd = 0;
        for (ProgramHeader ph : loads) {
            if (Long.compareUnsigned(ph.vaddr(), START_KERNEL_MAP) < 0) {
                ramEnd = Math.max(ramEnd, ph.paddr() + ph.memsz());
            }
        }
        return new X86_64Translation(memory, pgt - START_KERNEL_MAP + physBase, l5, physBase,
                info.findNumber("KERNEL_IMAGE_SIZE").orElse(DEFAULT_KERNEL_IMAGE_SIZE), pageOffsetFromLoads(loads),
                ramEnd, info.findNumber("sme_mask").orElse(0));
    }

    /** phys_base from the kernel-text PT_LOAD, as makedumpfile falls back to it; 0 without one. */
    public static long physBaseFromLoads(List<ProgramHeader> loads) {
        for (ProgramHeader ph : loads) {
            if (Long.compareUnsigned(ph.vaddr(), START_KERNEL_MAP) >= 0) {
                return ph.paddr() - (ph.vaddr() - START_KERNEL_MAP);
            }
        }
        return 0;
    }

    /**
     * PAGE_OFFSET shown by the direct-map PT_LOADs ({@code p_vaddr - p_paddr}, which all of them must
     * agree on), or empty when there are none (makedumpfile -E output keeps them; other files may not).
     */
    public static OptionalLong pageOffsetFromLoads(List<ProgramHeader> loads) {
        OptionalLong found = OptionalLong.empty();
        for (ProgramHeader ph : loads) {
            if (ph.vaddr() != 0 && Long.compareUnsigned(ph.vaddr(), START_KERNEL_MAP) < 0) {
                long off = ph.vaddr() - ph.paddr();
                if (found.isPresent() && found.getAsLong() != off) {
                    return OptionalLong.empty();
                }
                found = OptionalLong.of(off);
            }
        }
        return found;
    }

    public long topTable() {
        return topTable;
    }

    public boolean fiveLevel() {
        return fiveLevel;
    }

    public long physBase() {
        return physBase;
    }

    public OptionalLong pageOffset() {
        return pageOffset;
    }

    @Override
    public Mapping translate(long va) throws CorruptInputException {
        if (Long.compareUnsigned(va - START_KERNEL_MAP, kernelImageSize) < 0) {
            return new Mapping(va, va - START_KERNEL_MAP + physBase, PAGE_4K, "kernel text map");
        }
        if (pageOffset.isPresent() && Long.compareUnsigned(va - pageOffset.getAsLong(), directMapSize) < 0) {
            return new Mapping(va, va - pageOffset.getAsLong(), PAGE_4K, "direct map");
        }
        return walk(va);
    }

    /** Translates through the page tables only (no shortcut), as makedumpfile does for every address. */
    public Mapping walk(long va) throws CorruptInputException {
        int vaBits = fiveLevel ? 57 : 48;
        if ((va >> (vaBits - 1)) != 0 && (va >> (vaBits - 1)) != -1) {
            throw new NotMappedException(memory.name(), va, "not canonical for " + (fiveLevel ? 5 : 4)
                    + "-level paging");
        }
        String[] levels = fiveLevel ? LEVELS_5 : LEVELS_4;
        long table = topTable;
        for (int level = 0; level < levels.length; level++) {
            int shift = 12 + 9 * (levels.length - 1 - level);
            int index = (int) ((va >>> shift) & (ENTRIES_PER_TABLE - 1));
            long entryAddress = table + 8L * index;
            long entry;
            try {
                entry = memory.readLong(entryAddress, ByteOrder.LITTLE_ENDIAN);
            } catch (CorruptInputException e) {
                throw new NotMappedException(memory.name(), va, levels[level] + " table at physical 0x"
                        + Long.toHexString(table) + " is not in the dump", e);
            }
            if ((entry & PAGE_PRESENT) == 0) {
                throw new NotMappedException(memory.name(), va, levels[level] + " entry " + index + " (0x"
                        + Long.toHexString(entry) + " at physical 0x" + Long.toHexString(entryAddress) + ") is not present");
            }
            long address = entry & ENTRY_ADDRESS_MASK & ~smeMask;
            boolean leaf = level == levels.length - 1;
            boolean large = (entry & PAGE_PSE) != 0 && (shift == 30 || shift == 21);
            if (leaf || large) {
                long pageSize = 1L << shift;
                long base = address & -pageSize;
                return new Mapping(va, base | (va & (pageSize - 1)), pageSize,
                        leaf ? WALK_4K : pageSize == PAGE_1G ? WALK_1G : WALK_2M);
            }
            table = address;
        }
        throw new AssertionError("unreachable");
    }
}
