package dev.pmemdump.vmcore.xlat;

import java.util.List;
import java.util.OptionalLong;

/**
 * The x86_64 layout table (docs/dump-formats.md §1.2, §4.3, §4.4): every fixed fact of the kernel's virtual
 * memory and page tables the project uses, in one place, as drgn keeps one table per architecture.
 * The dump reader, the filter, the kexec load planner and the test-image builder all read them here;
 * what a particular kernel randomised (KASLR bases, phys_base) comes from its dump through
 * {@link TranslationHints}, never from here.
 */
public final class X86_64 {
    private X86_64() {}

    // ---- pages (arch/x86/include/asm/page_types.h) ----
    public static final int PAGE_SHIFT = 12;
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    public static final long PAGE_2M = 1L << 21;
    public static final long PAGE_1G = 1L << 30;

    // ---- virtual layout (arch/x86/include/asm/page_64_types.h) ----
    /** {@code __START_KERNEL_map}: the kernel text map, where phys_base appears. */
    public static final long START_KERNEL_MAP = 0xffffffff80000000L;
    /** Default {@code CONFIG_PHYSICAL_START}: {@code _text} is START_KERNEL_MAP + this + KERNELOFFSET. */
    public static final long PHYSICAL_START = 0x1000000L;
    /** {@code KERNEL_IMAGE_SIZE} without KASLR; VMCOREINFO's NUMBER(KERNEL_IMAGE_SIZE) wins. */
    public static final long KERNEL_IMAGE_SIZE = 512L << 20;
    /** {@code KERNEL_IMAGE_SIZE} of a kernel built with KASLR. */
    public static final long KERNEL_IMAGE_SIZE_KASLR = 1L << 30;
    /** {@code __PAGE_OFFSET_BASE_L4}: direct-map base with 4-level paging and no KASLR (since 4.20). */
    public static final long PAGE_OFFSET_L4 = 0xffff888000000000L;
    /** {@code __PAGE_OFFSET_BASE_L5}. */
    public static final long PAGE_OFFSET_L5 = 0xff11000000000000L;
    /**
     * The 4-level direct-map base before 4.20, which makedumpfile 1.7.2 still assumes when no PT_LOAD
     * shows the direct map (kdump-compressed input); it only bounds what counts as a kernel address.
     */
    public static final long PAGE_OFFSET_PRE_4_20 = 0xffff880000000000L;
    /** Default vmemmap base with 4-level paging (makedumpfile's VMEMMAP_START). */
    public static final long VMEMMAP_BASE_L4 = 0xffffea0000000000L;
    /** Default vmemmap base with 5-level paging. */
    public static final long VMEMMAP_BASE_L5 = 0xffd4000000000000L;
    /** KASLR moves page_offset_base and vmemmap_base in steps of this (PUD_SIZE). */
    public static final long KASLR_REGION_ALIGN = PAGE_1G;

    // ---- sparse memory (arch/x86/include/asm/sparsemem.h), defaults when VMCOREINFO has no NUMBER() ----
    public static final int SECTION_SIZE_BITS = 27;
    public static final int MAX_PHYSMEM_BITS_L4 = 46;
    public static final int MAX_PHYSMEM_BITS_L5 = 52;

    // ---- page-table entries (arch/x86/include/asm/pgtable_types.h) ----
    public static final long PTE_PRESENT = 0x001;
    public static final long PTE_RW = 0x002;
    public static final long PTE_ACCESSED = 0x020;
    public static final long PTE_DIRTY = 0x040;
    /** Large page: honoured at PUD (1 GiB) and PMD (2 MiB). */
    public static final long PTE_PSE = 0x080;
    public static final long PTE_GLOBAL = 0x100;
    public static final long PTE_NX = 1L << 63;
    /** Physical address bits 12..51 of an entry (bit 12 of a large-page entry is PAT, masked by its size). */
    public static final long ENTRY_ADDRESS_MASK = 0x000ffffffffff000L;
    /** Each table level resolves this many bits of the virtual address (512 entries of 8 bytes). */
    public static final int BITS_PER_LEVEL = 9;
    public static final int ENTRIES_PER_TABLE = 1 << BITS_PER_LEVEL;

    /** The two paging modes: table names top down, virtual address width, their fixed bases. */
    public enum Paging {
        FOUR_LEVEL(List.of("PGD", "PUD", "PMD", "PTE"), PAGE_OFFSET_L4, VMEMMAP_BASE_L4, MAX_PHYSMEM_BITS_L4),
        FIVE_LEVEL(List.of("PGD", "P4D", "PUD", "PMD", "PTE"), PAGE_OFFSET_L5, VMEMMAP_BASE_L5, MAX_PHYSMEM_BITS_L5);

        private final List<String> levels;
        private final long pageOffset;
        private final long vmemmapBase;
        private final int maxPhysmemBits;

        Paging(List<String> levels, long pageOffset, long vmemmapBase, int maxPhysmemBits) {
            this.levels = levels;
            this.pageOffset = pageOffset;
            this.vmemmapBase = vmemmapBase;
            this.maxPhysmemBits = maxPhysmemBits;
        }

        /** {@code NUMBER(pgtable_l5_enabled) != 0} selects five levels. */
        public static Paging of(boolean fiveLevel) {
            return fiveLevel ? FIVE_LEVEL : FOUR_LEVEL;
        }

        /** Table names from the top (the one init_top_pgt points at) down to the PTE. */
        public List<String> levels() {
            return levels;
        }

        /** Canonical virtual addresses sign-extend from bit {@code vaBits() - 1}. */
        public int vaBits() {
            return PAGE_SHIFT + BITS_PER_LEVEL * levels.size();
        }

        /** The shift of the address bits that index table {@code level} (0 = top). */
        public int shift(int level) {
            return PAGE_SHIFT + BITS_PER_LEVEL * (levels.size() - 1 - level);
        }

        /** Direct-map base without KASLR. */
        public long pageOffset() {
            return pageOffset;
        }

        /** vmemmap base without KASLR. */
        public long vmemmapBase() {
            return vmemmapBase;
        }

        /** MAX_PHYSMEM_BITS when VMCOREINFO does not say. */
        public int maxPhysmemBits() {
            return maxPhysmemBits;
        }
    }

    /** True when {@code va} lies in the kernel text map of an image of {@code imageSize} bytes. */
    public static boolean inKernelText(long va, long imageSize) {
        return Long.compareUnsigned(va - START_KERNEL_MAP, imageSize) < 0;
    }

    /**
     * phys_base as the kernel-text mapping shows it ({@code paddr - (vaddr - __START_KERNEL_map)} of the
     * first range in the text map), as makedumpfile falls back to it; empty without one.
     */
    public static OptionalLong physBase(List<MappedRange> ranges) {
        for (MappedRange r : ranges) {
            if (Long.compareUnsigned(r.virtualAddress(), START_KERNEL_MAP) >= 0) {
                return OptionalLong.of(r.physicalAddress() - (r.virtualAddress() - START_KERNEL_MAP));
            }
        }
        return OptionalLong.empty();
    }

    /**
     * PAGE_OFFSET shown by the direct-map ranges ({@code vaddr - paddr}, which all of them must agree on),
     * or empty when there are none (makedumpfile -E output keeps them; other files may not).
     */
    public static OptionalLong pageOffset(List<MappedRange> ranges) {
        OptionalLong found = OptionalLong.empty();
        for (MappedRange r : ranges) {
            if (r.virtualAddress() != 0 && Long.compareUnsigned(r.virtualAddress(), START_KERNEL_MAP) < 0) {
                long off = r.virtualAddress() - r.physicalAddress();
                if (found.isPresent() && found.getAsLong() != off) {
                    return OptionalLong.empty();
                }
                found = OptionalLong.of(off);
            }
        }
        return found;
    }

    /** The end of the RAM the ranges outside the text map cover: how far the direct-map shortcut may go. */
    public static long ramEnd(List<MappedRange> ranges) {
        long end = 0;
        for (MappedRange r : ranges) {
            if (Long.compareUnsigned(r.virtualAddress(), START_KERNEL_MAP) < 0) {
                end = Math.max(end, r.physicalEnd());
            }
        }
        return end;
    }
}
