package dev.pmemdump.images;

import static dev.pmemdump.images.Linux61.*;

import dev.pmemdump.vmcore.VmcoreInfo;
import java.util.Map;

/**
 * The VMCOREINFO text of the scenario's kernel: every key the real 6.1.0-56-amd64 kernel emits
 * (fixtures/.../VMCOREINFO.txt), in its order, with this first kernel's symbol addresses, phys_base
 * and KERNELOFFSET, so makedumpfile 1.7.2 finds all it uses (docs/dump-formats.md §4.5: the minimal 15
 * keys and the 19 for identical filtering are all among them).
 */
final class KernelVmcoreInfo {
    private KernelVmcoreInfo() {}

    static VmcoreInfo build(FirstKernel k, long crashTime, String buildId) {
        Map<String, Long> sym = k.symbols();
        VmcoreInfo.Builder b = VmcoreInfo.builder()
                .osRelease(k.scenario().kernelRelease())
                .buildId(buildId)
                .pageSize(PAGE_SIZE)
                .symbol("init_uts_ns", sym.get("init_uts_ns"))
                .offset("uts_namespace", "name", UTS_NAMESPACE_NAME)
                .symbol("node_online_map", sym.get("node_online_map"))
                .symbol("swapper_pg_dir", sym.get("swapper_pg_dir"))
                .symbol("_stext", sym.get("_stext"))
                .symbol("vmap_area_list", sym.get("vmap_area_list"))
                .symbol("mem_section", sym.get("mem_section"))
                .length("mem_section", NR_SECTION_ROOTS)
                .size("mem_section", MEM_SECTION_SIZE)
                .offset("mem_section", "section_mem_map", MEM_SECTION_MEM_MAP)
                .number("SECTION_SIZE_BITS", SECTION_SIZE_BITS)
                .number("MAX_PHYSMEM_BITS", MAX_PHYSMEM_BITS)
                .size("page", PAGE_STRUCT_SIZE)
                .size("pglist_data", 174208)
                .size("zone", 1536)
                .size("free_area", 88)
                .size("list_head", 16)
                .size("nodemask_t", 128)
                .offset("page", "flags", PAGE_FLAGS)
                .offset("page", "_refcount", PAGE_REFCOUNT)
                .offset("page", "mapping", PAGE_MAPPING)
                .offset("page", "lru", PAGE_LRU)
                .offset("page", "_mapcount", PAGE_MAPCOUNT)
                .offset("page", "private", PAGE_PRIVATE)
                .offset("page", "compound_dtor", PAGE_COMPOUND_DTOR)
                .offset("page", "compound_order", PAGE_COMPOUND_ORDER)
                .offset("page", "compound_head", PAGE_COMPOUND_HEAD)
                .offset("pglist_data", "node_zones", 0)
                .offset("pglist_data", "nr_zones", 171552)
                .offset("pglist_data", "node_start_pfn", 171560)
                .offset("pglist_data", "node_spanned_pages", 171576)
                .offset("pglist_data", "node_id", 171584)
                .offset("zone", "free_area", 256)
                .offset("zone", "vm_stat", 1344)
                .offset("zone", "spanned_pages", 144)
                .offset("free_area", "free_list", 0)
                .offset("list_head", "next", 0)
                .offset("list_head", "prev", 8)
                .offset("vmap_area", "va_start", 0)
                .offset("vmap_area", "list", 40)
                .length("zone.free_area", MAX_ORDER)
                .symbol("prb", sym.get("prb"))
                .symbol("printk_rb_static", sym.get("printk_rb_static"))
                .symbol("clear_seq", sym.get("clear_seq"));
        printkLayout(b);
        b.length("free_area.free_list", 5)
                .number("NR_FREE_PAGES", 0)
                .number("PG_lru", PG_LRU)
                .number("PG_private", PG_PRIVATE)
                .number("PG_swapcache", PG_SWAPCACHE)
                .number("PG_swapbacked", PG_SWAPBACKED)
                .number("PG_slab", PG_SLAB)
                .number("PG_hwpoison", PG_HWPOISON)
                .number("PG_head_mask", 1L << PG_HEAD)
                .number("PAGE_BUDDY_MAPCOUNT_VALUE", PAGE_BUDDY_MAPCOUNT_VALUE)
                .number("HUGETLB_PAGE_DTOR", HUGETLB_PAGE_DTOR)
                .number("PAGE_OFFLINE_MAPCOUNT_VALUE", PAGE_OFFLINE_MAPCOUNT_VALUE);
        for (String s : new String[] {"kallsyms_names", "kallsyms_num_syms", "kallsyms_token_table",
                "kallsyms_token_index", "kallsyms_offsets", "kallsyms_relative_base"}) {
            b.symbol(s, sym.get(s));
        }
        return b.number("phys_base", k.physBase())
                .symbol("init_top_pgt", sym.get("init_top_pgt"))
                .number("pgtable_l5_enabled", 0)
                .symbol("node_data", sym.get("node_data"))
                .length("node_data", 1024)
                .kernelOffset(KASLR_OFFSET)
                .number("KERNEL_IMAGE_SIZE", KERNEL_IMAGE_SIZE)
                .number("sme_mask", 0)
                .crashTime(crashTime)
                .build("VMCOREINFO of " + k.scenario().kernelRelease());
    }

    /** log_buf_vmcoreinfo_setup() of 6.1: the printk ring buffer's layout. */
    private static void printkLayout(VmcoreInfo.Builder b) {
        b.size("printk_ringbuffer", 88)
                .offset("printk_ringbuffer", "desc_ring", 0)
                .offset("printk_ringbuffer", "text_data_ring", 48)
                .offset("printk_ringbuffer", "fail", 80)
                .size("prb_desc_ring", 48)
                .offset("prb_desc_ring", "count_bits", 0)
                .offset("prb_desc_ring", "descs", 8)
                .offset("prb_desc_ring", "infos", 16)
                .offset("prb_desc_ring", "head_id", 24)
                .offset("prb_desc_ring", "tail_id", 32)
                .size("prb_desc", 24)
                .offset("prb_desc", "state_var", 0)
                .offset("prb_desc", "text_blk_lpos", 8)
                .size("prb_data_blk_lpos", 16)
                .offset("prb_data_blk_lpos", "begin", 0)
                .offset("prb_data_blk_lpos", "next", 8)
                .size("printk_info", 88)
                .offset("printk_info", "seq", 0)
                .offset("printk_info", "ts_nsec", 8)
                .offset("printk_info", "text_len", 16)
                .offset("printk_info", "caller_id", 20)
                .offset("printk_info", "dev_info", 24)
                .size("dev_printk_info", 64)
                .offset("dev_printk_info", "subsystem", 0)
                .length("printk_info_subsystem", 16)
                .offset("dev_printk_info", "device", 16)
                .length("printk_info_device", 48)
                .size("prb_data_ring", 32)
                .offset("prb_data_ring", "size_bits", 0)
                .offset("prb_data_ring", "data", 8)
                .offset("prb_data_ring", "head_lpos", 16)
                .offset("prb_data_ring", "tail_lpos", 24)
                .size("atomic_long_t", 8)
                .offset("atomic_long_t", "counter", 0)
                .size("latched_seq", 24)
                .offset("latched_seq", "val", 8);
    }
}
