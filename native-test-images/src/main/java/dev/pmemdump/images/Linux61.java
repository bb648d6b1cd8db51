package dev.pmemdump.images;

import dev.pmemdump.vmcore.xlat.X86_64;

/**
 * The facts of the x86_64 6.1-like kernel the scenarios imitate: virtual layout, symbol offsets inside
 * the kernel image, structure sizes and offsets, page-flag bits. Values are those of the real
 * Debian 6.1.0-56-amd64 kernel recorded in fixtures/linux-6.1-qemu/kdump-file/host-analysis/VMCOREINFO.txt
 * (symbols relative to {@code _text}, which that kernel had at 0xffffffffae000000), so what this
 * module writes is what makedumpfile 1.7.2 saw on a real machine. What every x86_64 kernel shares (the
 * fixed virtual layout, sparse-memory defaults, page-table entry bits) is {@link X86_64}'s; this class
 * names it as the scenarios use it and adds what this one kernel chose.
 */
public final class Linux61 {
    private Linux61() {}

    public static final long PAGE_SIZE = X86_64.PAGE_SIZE;
    public static final int PAGE_SHIFT = X86_64.PAGE_SHIFT;

    // ---- virtual layout (arch/x86/include/asm/page_64_types.h; KASLR values of the fixture) ----
    /** {@code __START_KERNEL_map}: the kernel text map starts here, phys_base maps to it. */
    public static final long START_KERNEL_MAP = X86_64.START_KERNEL_MAP;
    /** {@code KERNELOFFSET} of the fixture: {@code _text} = START_KERNEL_MAP + PHYSICAL_START + this. */
    public static final long KASLR_OFFSET = 0x2d000000L;
    public static final long TEXT_VA = START_KERNEL_MAP + X86_64.PHYSICAL_START + KASLR_OFFSET;
    /** Randomised {@code page_offset_base} of the fixture (direct-map PT_LOAD p_vaddr - p_paddr). */
    public static final long PAGE_OFFSET = 0xffff8885c0000000L;
    /** Randomised {@code vmemmap_base}; aligned like every KASLR memory region. */
    public static final long VMEMMAP_BASE = 0xffffe3a4c0000000L;
    /** KERNEL_IMAGE_SIZE with KASLR: 1 GiB. */
    public static final long KERNEL_IMAGE_SIZE = X86_64.KERNEL_IMAGE_SIZE_KASLR;

    // ---- kernel image: section and symbol offsets from _text (fixture /proc/iomem + VMCOREINFO) ----
    public static final long IMAGE_CODE_END = 0x0e01d32L;
    public static final long IMAGE_RODATA = 0x1000000L;
    public static final long IMAGE_RODATA_END = 0x18eb000L;
    public static final long IMAGE_DATA = 0x1a00000L;
    public static final long IMAGE_DATA_END = 0x1c48980L;
    /** __init_begin: the .init sections, freed after boot, up to the bss. */
    public static final long IMAGE_INIT = 0x1c49000L;
    public static final long IMAGE_BSS = 0x2310000L;
    public static final long IMAGE_BSS_END = 0x3400000L;
    /** {@code _end - _text}: the kernel-text PT_LOAD length. */
    public static final long IMAGE_END = 0x3430000L;

    public static final long SYM_INIT_TOP_PGT = 0x1a10000L;
    /** level3_kernel_pgt and level2_kernel_pgt follow init_top_pgt in head_64.S's data pages. */
    public static final long SYM_LEVEL3_KERNEL_PGT = 0x1a11000L;
    public static final long SYM_LEVEL2_KERNEL_PGT = 0x1a12000L;
    public static final long SYM_PRB = 0x1a643e0L;
    public static final long SYM_PRINTK_RB_STATIC = 0x1a64400L;
    public static final long SYM_VMAP_AREA_LIST = 0x1b5c430L;
    public static final long SYM_INIT_UTS_NS = 0x1bfb000L;
    public static final long SYM_NODE_DATA = 0x1c393a0L;
    public static final long SYM_NODE_ONLINE_MAP = 0x1c3df40L;
    public static final long SYM_CLEAR_SEQ = 0x2faad20L;
    /** The RFC v2 kernel's static list head (in .data, where this kernel has room). */
    public static final long SYM_DEVM_MEMMAP_VMCORE_HEAD = 0x1c3e000L;
    public static final long SYM_KALLSYMS_OFFSETS = 0x11619c8L;
    public static final long SYM_KALLSYMS_RELATIVE_BASE = 0x11bdab0L;
    public static final long SYM_KALLSYMS_NUM_SYMS = 0x11bdab8L;
    public static final long SYM_KALLSYMS_NAMES = 0x11bdac0L;
    public static final long SYM_KALLSYMS_TOKEN_TABLE = 0x132ddd8L;
    public static final long SYM_KALLSYMS_TOKEN_INDEX = 0x132e170L;

    // ---- struct new_utsname inside struct uts_namespace (OFFSET(uts_namespace.name)=0) ----
    public static final long UTS_NAMESPACE_NAME = 0;
    public static final int UTS_FIELD_LEN = 65;

    // ---- SPARSEMEM_EXTREME (include/linux/mmzone.h, arch/x86/include/asm/sparsemem.h) ----
    public static final int SECTION_SIZE_BITS = X86_64.SECTION_SIZE_BITS;
    public static final int MAX_PHYSMEM_BITS = X86_64.MAX_PHYSMEM_BITS_L4;
    public static final long PAGES_PER_SECTION = 1L << (SECTION_SIZE_BITS - PAGE_SHIFT);
    /** SIZE(mem_section): section_mem_map, usage, page_ext, pad. */
    public static final long MEM_SECTION_SIZE = 32;
    public static final long MEM_SECTION_MEM_MAP = 0;
    public static final long MEM_SECTION_USAGE = 8;
    public static final long SECTIONS_PER_ROOT = PAGE_SIZE / MEM_SECTION_SIZE;
    /** LENGTH(mem_section) = NR_SECTION_ROOTS. */
    public static final long NR_SECTION_ROOTS = (1L << (MAX_PHYSMEM_BITS - SECTION_SIZE_BITS)) / SECTIONS_PER_ROOT;
    /** Low bits of section_mem_map (enum in mmzone.h, 6.1). */
    public static final long SECTION_MARKED_PRESENT = 0x1;
    public static final long SECTION_HAS_MEM_MAP = 0x2;
    public static final long SECTION_IS_ONLINE = 0x4;
    public static final long SECTION_IS_EARLY = 0x8;
    public static final long SECTION_TAINT_ZONE_DEVICE = 0x10;
    /** struct mem_section_usage: subsection_map (one word: 64 subsections of 2 MiB) then pageblock_flags. */
    public static final long MEM_SECTION_USAGE_SIZE = 8 + 16;

    // ---- struct page (include/linux/mm_types.h, 6.1; OFFSET(page.*) of the fixture) ----
    public static final long PAGE_STRUCT_SIZE = 64;
    public static final long PAGE_FLAGS = 0;
    public static final long PAGE_LRU = 8;
    public static final long PAGE_COMPOUND_HEAD = 8;
    /** ZONE_DEVICE arm: pgmap overlays lru.next, zone_device_data lru.prev. */
    public static final long PAGE_PGMAP = 8;
    public static final long PAGE_COMPOUND_DTOR = 16;
    public static final long PAGE_COMPOUND_ORDER = 17;
    /** First tail page: compound_mapcount, compound_pincount, compound_nr (6.1). */
    public static final long PAGE_COMPOUND_MAPCOUNT = 20;
    public static final long PAGE_COMPOUND_PINCOUNT = 24;
    public static final long PAGE_COMPOUND_NR = 28;
    public static final long PAGE_MAPPING = 24;
    public static final long PAGE_INDEX = 32;
    public static final long PAGE_PRIVATE = 40;
    public static final long PAGE_MAPCOUNT = 48;
    public static final long PAGE_REFCOUNT = 52;
    public static final long PAGE_MEMCG_DATA = 56;
    /** struct slab overlays struct page: slab_cache where page.mapping is, freelist, counters. */
    public static final long SLAB_SLAB_CACHE = 24;
    public static final long SLAB_FREELIST = 32;
    public static final long SLAB_COUNTERS = 40;

    // ---- page flags (enum pageflags, 6.1 x86_64; NUMBER(PG_*) of the fixture) ----
    public static final int PG_REFERENCED = 1;
    public static final int PG_UPTODATE = 2;
    public static final int PG_DIRTY = 3;
    public static final int PG_LRU = 4;
    public static final int PG_ACTIVE = 5;
    public static final int PG_SLAB = 9;
    public static final int PG_SWAPCACHE = 10;
    public static final int PG_RESERVED = 12;
    public static final int PG_PRIVATE = 13;
    public static final int PG_HEAD = 16;
    public static final int PG_SWAPBACKED = 19;
    public static final int PG_HWPOISON = 23;
    /** page_type values live in _mapcount: -1 when unused, PG_buddy (0x80) cleared for free heads. */
    public static final int PAGE_BUDDY_MAPCOUNT_VALUE = -129;
    public static final int PAGE_OFFLINE_MAPCOUNT_VALUE = -257;
    public static final int HUGETLB_PAGE_DTOR = 2;
    /** enum compound_dtor_id: COMPOUND_PAGE_DTOR (plain compound), TRANSHUGE_PAGE_DTOR. */
    public static final int COMPOUND_PAGE_DTOR = 1;
    public static final int TRANSHUGE_PAGE_DTOR = 3;
    /** MAX_ORDER in 6.1 is 11: orders 0..10 (LENGTH(zone.free_area)=11). */
    public static final int MAX_ORDER = 11;
    /** bit 0 of page.mapping marks an anon_vma (PAGE_MAPPING_ANON). */
    public static final long PAGE_MAPPING_ANON = 1;

    /** Node and zone ids sit at the top of page.flags: NODES_SHIFT 10, ZONES_WIDTH 3. */
    public static final int NODES_PGSHIFT = 64 - 10;
    public static final int ZONES_PGSHIFT = NODES_PGSHIFT - 3;
    public static final int ZONE_DMA = 0;
    public static final int ZONE_DMA32 = 1;
    public static final int ZONE_NORMAL = 2;
    public static final int ZONE_DEVICE = 4;

    /** enum memory_type: fsdax pages are MEMORY_DEVICE_FS_DAX, device-dax MEMORY_DEVICE_GENERIC. */
    public static final int MEMORY_DEVICE_FS_DAX = 3;
    public static final int MEMORY_DEVICE_GENERIC = 4;

    // ---- x86_64 page-table entries (arch/x86/include/asm/pgtable_types.h) ----
    public static final long PTE_PRESENT = X86_64.PTE_PRESENT;
    public static final long PTE_RW = X86_64.PTE_RW;
    public static final long PTE_ACCESSED = X86_64.PTE_ACCESSED;
    public static final long PTE_DIRTY = X86_64.PTE_DIRTY;
    public static final long PTE_PSE = X86_64.PTE_PSE;
    public static final long PTE_GLOBAL = X86_64.PTE_GLOBAL;
    public static final long PTE_NX = X86_64.PTE_NX;
    /** _KERNPG_TABLE: present, rw, accessed, dirty. */
    public static final long KERNPG_TABLE = PTE_PRESENT | PTE_RW | PTE_ACCESSED | PTE_DIRTY;
    /** __PAGE_KERNEL_LARGE (data, no exec) as the direct map and vmemmap use it. */
    public static final long PAGE_KERNEL_LARGE = KERNPG_TABLE | PTE_PSE | PTE_GLOBAL | PTE_NX;
    public static final long PAGE_KERNEL_LARGE_EXEC = KERNPG_TABLE | PTE_PSE | PTE_GLOBAL;
    public static final long PAGE_KERNEL = KERNPG_TABLE | PTE_GLOBAL | PTE_NX;

    /** Zone of a RAM pfn as x86_64 splits it: DMA below 16 MiB, DMA32 below 4 GiB. */
    public static int ramZone(long pfn) {
        long pa = pfn << PAGE_SHIFT;
        return pa < (16L << 20) ? ZONE_DMA : pa < (4L << 30) ? ZONE_DMA32 : ZONE_NORMAL;
    }

    /** The zone and node bits of page.flags (node 0). */
    public static long zoneFlags(int zone) {
        return (long) zone << ZONES_PGSHIFT;
    }

    public static long directMap(long phys) {
        return PAGE_OFFSET + phys;
    }

    public static long vmemmapOf(long pfn) {
        return VMEMMAP_BASE + pfn * PAGE_STRUCT_SIZE;
    }
}
