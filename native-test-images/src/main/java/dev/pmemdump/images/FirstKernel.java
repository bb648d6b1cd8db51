package dev.pmemdump.images;

import dev.pmemdump.io.Range;

import static dev.pmemdump.images.Linux61.*;

import dev.pmemdump.vmcore.devm.DevmMemmapList;
import dev.pmemdump.vmcore.xlat.X86_64Translation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The first kernel's memory at the moment of the panic, built from a {@link Scenario}: the kernel
 * image, page tables from init_top_pgt (direct map, kernel text map, vmemmap), mem_section with a
 * memmap for every present section, a struct page for every RAM page consistent with its content,
 * per-CPU crash-note buffers, and the page mix with the canaries planted.
 */
public final class FirstKernel implements AutoCloseable {
    /** Per-CPU area of each CPU (percpu first chunk unit). */
    static final long PERCPU_UNIT = 128 * 1024;
    /** Offset of crash_notes (note_buf_t) inside the per-CPU unit. */
    static final long CRASH_NOTES_OFFSET = 0x1c000;

    /** A canary planted in memory. */
    public record Canary(String text, PageClass pageClass, long physAddress) {}

    private final Scenario scenario;
    private final MemoryImage ram;
    private final PmemDevices pmem;
    private final ScenarioMemory memory;
    /** SYMBOL(devm_memmap_vmcore_head) when the RFC kernel exported a list, else 0. */
    private final long devmHead;
    private final PageClass[] classes;
    private final KernelImage image;
    private final MemSection sections;
    private final List<Canary> canaries = new ArrayList<>();
    private final long[] crashNotes;
    private final long vmcoreinfoData;
    private final long vmcoreinfoNote;

    private FirstKernel(Scenario scenario, MemoryImage ram, PmemDevices pmem, PageClass[] classes, KernelImage image,
                        MemSection sections, long[] crashNotes, long vmcoreinfoData, long vmcoreinfoNote,
                        long devmHead) {
        this.scenario = scenario;
        this.ram = ram;
        this.pmem = pmem;
        this.devmHead = devmHead;
        List<MemoryImage> all = new ArrayList<>(List.of(ram));
        all.addAll(pmem.images());
        this.memory = new ScenarioMemory(all);
        this.classes = classes;
        this.image = image;
        this.sections = sections;
        this.crashNotes = crashNotes;
        this.vmcoreinfoData = vmcoreinfoData;
        this.vmcoreinfoNote = vmcoreinfoNote;
    }

    /** Builds the RAM image into {@code ramFile} and pmem region i into {@code pmemFiles[i]} (sparse). */
    public static FirstKernel build(Scenario s, Path ramFile, List<Path> pmemFiles) throws IOException {
        s.validate();
        SplittableRandom rnd = new SplittableRandom(s.seed());
        List<Range> ramRanges = new ArrayList<>();
        for (Scenario.Range r : s.ram()) {
            ramRanges.add(new Range(r.startAddress(), r.end()));
        }
        long ramEnd = (ramRanges.getLast().end() + PAGE_SIZE - 1) & -PAGE_SIZE;
        MemoryImage ram = MemoryImage.create(ramFile, 0, ramEnd);
        PmemDevices pmem = null;
        try {
            pmem = PmemDevices.create(s, pmemFiles, rnd);
            return build(s, rnd, ram, ramRanges, pmem);
        } catch (IOException | RuntimeException e) {
            ram.close();
            if (pmem != null) {
                pmem.close();
            }
            throw e;
        }
    }

    /** A scenario without pmem regions, or whose pmem images go beside {@code ramFile}. */
    public static FirstKernel build(Scenario s, Path ramFile) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < (s.pmem() == null ? 0 : s.pmem().size()); i++) {
            files.add(ramFile.resolveSibling("pmem" + i + ".img"));
        }
        return build(s, ramFile, files);
    }

    private static FirstKernel build(Scenario s, SplittableRandom rnd, MemoryImage ram, List<Range> ramRanges,
                                     PmemDevices pmem) throws IOException {
        int pages = (int) (ram.end() >>> PAGE_SHIFT);
        PageClass[] classes = new PageClass[pages];
        java.util.Arrays.fill(classes, PageClass.HOLE);
        List<Range> pageRanges = new ArrayList<>();
        for (Range r : ramRanges) {
            long first = (r.start() + PAGE_SIZE - 1) >>> PAGE_SHIFT;
            long end = r.end() >>> PAGE_SHIFT;
            for (long p = first; p < end; p++) {
                classes[(int) p] = PageClass.RESERVED;
            }
            pageRanges.add(new Range(first << PAGE_SHIFT, end << PAGE_SHIFT));
        }
        Memblock memblock = new Memblock(pageRanges);
        long textPa = s.kernelPhysAddress();
        memblock.reserve(0, 1L << 20); // x86 always reserves the first 1 MiB
        // free_initmem() has handed .init.* (between data and bss) back to the page allocator.
        memblock.reserve(textPa, textPa + IMAGE_INIT);
        memblock.reserve(textPa + IMAGE_BSS, textPa + IMAGE_END);
        if (s.crashkernel() != null) {
            memblock.reserve(s.crashkernel().startAddress(), s.crashkernel().end());
        }
        KernelImage image = new KernelImage(ram, textPa);
        image.fill(rnd, s.kernelRelease(), s.seed());

        PageTables tables = new PageTables(ram, image.pa(SYM_INIT_TOP_PGT), memblock::allocPage);
        tables.installTable(TEXT_VA, 4, image.pa(SYM_LEVEL3_KERNEL_PGT));
        tables.installTable(TEXT_VA, 3, image.pa(SYM_LEVEL2_KERNEL_PGT));
        long textMap = (IMAGE_END + PageTables.MIB2 - 1) & -PageTables.MIB2;
        tables.map(TEXT_VA, textPa, textMap, PageTables.MIB2, PAGE_KERNEL_LARGE_EXEC);
        mapDirect(tables, s, ram.end());

        long root = memblock.alloc(MemSection.rootArrayBytes(), PAGE_SIZE);
        MemSection sections = new MemSection(ram, root, memblock::allocPage,
                () -> memblock.alloc(MEM_SECTION_USAGE_SIZE, 8));
        Vmemmap vmemmap = new Vmemmap(tables);
        long lastSection = (ram.end() - 1) >>> SECTION_SIZE_BITS;
        for (long nr = 0; nr <= lastSection; nr++) {
            long subsections = subsectionsWithRam(nr, pageRanges);
            if (subsections == 0) {
                continue;
            }
            vmemmap.populateBlock(nr * PAGES_PER_SECTION, memblock.alloc(PageTables.MIB2, PageTables.MIB2));
            sections.addSection(nr, SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP | SECTION_IS_ONLINE
                    | SECTION_IS_EARLY, subsections);
            // Every pfn of a boot section starts as a reserved page (holes stay so).
            for (long pfn = nr * PAGES_PER_SECTION; pfn < (nr + 1) * PAGES_PER_SECTION; pfn++) {
                StructPage.reserved(vmemmapOf(pfn), ramZone(pfn)).write(ram, vmemmap.structPage(pfn));
            }
        }

        pmem.populateMemmaps(ram, memblock, vmemmap, sections);
        List<Canary> pmemCanaries = pmem.fillUserData(rnd, s.seed(),
                s.canaries() == null ? List.of() : s.canaries(), ram, vmemmap, memblock);
        long devmHead = KernelImage.va(SYM_DEVM_MEMMAP_VMCORE_HEAD);
        List<DevmMemmapList.Registration> devm = new ArrayList<>();
        if (s.rfcKernel()) {
            for (PmemDevices.Placed p : pmem.withMemmap()) {
                if (p.onDevice()) {
                    Range r = p.metadataPfns();
                    devm.add(new DevmMemmapList.Registration(directMap(memblock.alloc(64, 64)), r.start(), r.end(),
                            pmem.pgmap(p)));
                }
            }
        }

        long[] crashNotes = new long[s.cpus()];
        for (int cpu = 0; cpu < s.cpus(); cpu++) {
            long unit = memblock.alloc(PERCPU_UNIT, PAGE_SIZE);
            Fill.random(ram, unit, CRASH_NOTES_OFFSET, rnd); // per-CPU variables in use
            crashNotes[cpu] = unit + CRASH_NOTES_OFFSET;
        }
        long vmcoreinfoData = memblock.allocPage();
        long vmcoreinfoNote = memblock.alloc(2 * PAGE_SIZE, PAGE_SIZE);

        PageMix mix = new PageMix(ram, vmemmap, classes, rnd, s.pageMix(), s.seed());
        mix.populate(memblock.freeRanges());
        FirstKernel k = new FirstKernel(s, ram, pmem, classes, image, sections, crashNotes, vmcoreinfoData,
                vmcoreinfoNote, devm.isEmpty() ? 0 : devmHead);
        if (!devm.isEmpty()) {
            X86_64Translation xlat = new X86_64Translation(k.memory(), image.pa(SYM_INIT_TOP_PGT), false, image.physBase(),
                    KERNEL_IMAGE_SIZE, java.util.OptionalLong.of(PAGE_OFFSET), MAX_PHYSMEM_BITS, 0);
            DevmMemmapList.export(k.memory(), xlat, java.nio.ByteOrder.LITTLE_ENDIAN, devmHead, devm,
                    DevmMemmapList.Layout.LP64);
        }
        k.canaries.addAll(pmemCanaries);
        for (String c : s.canaries() == null ? List.<String>of() : s.canaries()) {
            PageClass where = canaryClass(c);
            if (where != null) {
                k.canaries.add(new Canary(c, where, mix.plant(c, where)));
            }
        }
        return k;
    }

    /**
     * Where a canary goes, from the words of its text (split at '-', '_' and blanks): PMEM ones go to
     * pmem user data, CACHE to page cache, ANON or USER to anonymous memory, FREE to a free page,
     * anything else to a slab page (kernel memory that every dump level keeps). Null for pmem.
     */
    static PageClass canaryClass(String text) {
        java.util.List<String> words = java.util.List.of(text.toUpperCase(java.util.Locale.ROOT).split("[-_ ]+"));
        if (words.contains("PMEM")) {
            return null;
        }
        if (words.contains("CACHE")) {
            return PageClass.CACHE;
        }
        if (words.contains("ANON") || words.contains("USER")) {
            return PageClass.ANON;
        }
        if (words.contains("FREE")) {
            return PageClass.FREE;
        }
        return PageClass.SLAB;
    }

    /** Bit i set when subsection i (2 MiB) of section {@code nr} has RAM. */
    private static long subsectionsWithRam(long nr, List<Range> ranges) {
        long mask = 0;
        long base = nr << SECTION_SIZE_BITS;
        for (int i = 0; i < 64; i++) {
            long s = base + ((long) i << 21);
            long e = s + (1L << 21);
            for (Range r : ranges) {
                if (r.overlaps(new Range(s, e))) {
                    mask |= 1L << i;
                }
            }
        }
        return mask;
    }

    /** The direct map: 1 GiB pages over every GiB holding RAM or pmem. */
    private static void mapDirect(PageTables tables, Scenario s, long ramEnd) {
        java.util.TreeSet<Long> gibs = new java.util.TreeSet<>();
        for (long g = 0; g < ramEnd; g += PageTables.GIB) {
            gibs.add(g);
        }
        for (Scenario.PmemRegion p : s.pmem() == null ? List.<Scenario.PmemRegion>of() : s.pmem()) {
            for (long g = p.startAddress() & -PageTables.GIB; g < p.startAddress() + p.length(); g += PageTables.GIB) {
                gibs.add(g);
            }
        }
        for (long g : gibs) {
            tables.map(directMap(g), g, PageTables.GIB, PageTables.GIB, PAGE_KERNEL_LARGE);
        }
    }

    public Scenario scenario() {
        return scenario;
    }

    public MemoryImage ram() {
        return ram;
    }

    /** The class of RAM page {@code pfn} (HOLE beyond RAM). */
    public PageClass pageClass(long pfn) {
        return pfn < classes.length ? classes[(int) pfn] : PageClass.HOLE;
    }

    public long ramPages() {
        return classes.length;
    }

    /** RAM pages as makedumpfile's counters see them (pfns beyond RAM are not this kernel's RAM). */
    public ExpectedReport.Pages pages() {
        return new ExpectedReport.Pages() {
            @Override
            public String counter(long pfn) {
                return pageClass(pfn).counter();
            }

            @Override
            public boolean isZero(long pfn) {
                long pa = pfn << PAGE_SHIFT;
                if (pfn < classes.length) {
                    return ram.isZeroPage(pa);
                }
                for (MemoryImage m : pmem.images()) {
                    if (m.contains(pa, PAGE_SIZE)) {
                        return m.isZeroPage(pa);
                    }
                }
                return true;
            }

            @Override
            public boolean hasMemmap(long pfn) {
                return sections.isPresent(pfn / PAGES_PER_SECTION);
            }
        };
    }

    public List<Canary> canaries() {
        return List.copyOf(canaries);
    }

    /** Physical addresses of each CPU's crash_notes buffer (note_buf_t). */
    public long[] crashNotes() {
        return crashNotes.clone();
    }

    /** Physical address of vmcoreinfo_data (one page) and of vmcoreinfo_note (two pages). */
    public long vmcoreinfoData() {
        return vmcoreinfoData;
    }

    public long vmcoreinfoNote() {
        return vmcoreinfoNote;
    }

    public long physBase() {
        return image.physBase();
    }

    public long textPhys() {
        return image.pa(0);
    }

    /** Virtual addresses of the symbols VMCOREINFO exports, by name. */
    public Map<String, Long> symbols() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("init_uts_ns", KernelImage.va(SYM_INIT_UTS_NS));
        m.put("node_online_map", KernelImage.va(SYM_NODE_ONLINE_MAP));
        m.put("swapper_pg_dir", KernelImage.va(SYM_INIT_TOP_PGT));
        m.put("_stext", KernelImage.va(0));
        m.put("vmap_area_list", KernelImage.va(SYM_VMAP_AREA_LIST));
        m.put("mem_section", sections.rootVa());
        m.put("prb", KernelImage.va(SYM_PRB));
        m.put("printk_rb_static", KernelImage.va(SYM_PRINTK_RB_STATIC));
        m.put("clear_seq", KernelImage.va(SYM_CLEAR_SEQ));
        m.put("kallsyms_names", KernelImage.va(SYM_KALLSYMS_NAMES));
        m.put("kallsyms_num_syms", KernelImage.va(SYM_KALLSYMS_NUM_SYMS));
        m.put("kallsyms_token_table", KernelImage.va(SYM_KALLSYMS_TOKEN_TABLE));
        m.put("kallsyms_token_index", KernelImage.va(SYM_KALLSYMS_TOKEN_INDEX));
        m.put("kallsyms_offsets", KernelImage.va(SYM_KALLSYMS_OFFSETS));
        m.put("kallsyms_relative_base", KernelImage.va(SYM_KALLSYMS_RELATIVE_BASE));
        m.put("init_top_pgt", KernelImage.va(SYM_INIT_TOP_PGT));
        m.put("node_data", KernelImage.va(SYM_NODE_DATA));
        return m;
    }

    /** RAM and pmem as one physical address space. */
    ScenarioMemory memory() {
        return memory;
    }

    PmemDevices pmem() {
        return pmem;
    }

    /** Kernel address of devm_memmap_vmcore_head, or 0 when no list was exported. */
    long devmHead() {
        return devmHead;
    }

    @Override
    public void close() {
        ram.close();
        pmem.close();
    }
}
