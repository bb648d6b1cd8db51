package dev.pmemdump.filter.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a sparse ELF /proc/vmcore of a machine with a large amount of RAM whose every 16 MiB chunk (4096
 * pfns) mixes free and used pages: the worst case for per-pfn state. x86_64, 6.1's struct page layout and
 * flag numbers, SPARSEMEM_EXTREME mem_section, the memmap in the direct map (no page tables needed).
 * In each chunk free buddy blocks of orders 10, 10, 10, 9, 8, ..., 0 cover all pages but the last, which is
 * kept: it holds its own pfn as a marker (unless it lies in the memmap, whose pages hold struct pages).
 * Only the struct pages of buddy heads and the markers are written: 36 KiB of disk per 16 MiB of RAM.
 *
 * <p>Needs the JDK alone, so a benchmark can run it as a source file: {@code java MixedRamVmcore.java OUT GIB}.
 */
public final class MixedRamVmcore {
    public static final long PAGE = 4096;
    public static final long CHUNK_PFNS = 4096;
    public static final long PAGE_OFFSET = 0xffff888000000000L;
    static final long START_KERNEL_MAP = 0xffffffff80000000L;
    static final long SECTION_PFNS = 1L << (27 - 12);
    static final long SIZE_MEM_SECTION = 32;
    static final long STRUCT_PAGE = 64;
    static final long UTS_PA = 0x100000;
    static final long ROOT_PA = 0x200000;
    static final long ROOT_PAGES_PA = 0x300000;
    /** init_top_pgt, then the PDPT of the kernel text map, then those of the direct map (1 GiB pages). */
    static final long PGT_PA = 0x800000;
    /** The memmap starts at 16 MiB: pfn 4096, the start of the second chunk. */
    public static final long MEMMAP_PA = 0x1000000;
    static final long NOTES_OFFSET = 0x1000;
    static final long DATA_OFFSET = 0x2000;
    /** In each chunk: (first page, buddy order) of its free blocks; page 4095 stays. */
    static final int[][] FREE_BLOCKS = {{0, 10}, {1024, 10}, {2048, 10}, {3072, 9}, {3584, 8}, {3840, 7}, {3968, 6},
        {4032, 5}, {4064, 4}, {4080, 3}, {4088, 2}, {4092, 1}, {4094, 0}};
    public static final long KEPT_IN_CHUNK = CHUNK_PFNS - 1;

    private MixedRamVmcore() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: java MixedRamVmcore.java OUT GIB");
            System.exit(2);
        }
        write(Path.of(args[0]), Long.parseLong(args[1]) << 30);
    }

    /** The memmap's pages: [first, end) pfns. */
    public static long memmapEndPfn(long ramBytes) {
        return (MEMMAP_PA + ramBytes / PAGE * STRUCT_PAGE) / PAGE;
    }

    /** Writes the vmcore of {@code ramBytes} of RAM (a multiple of 128 MiB) at physical 0. */
    public static void write(Path out, long ramBytes) throws IOException {
        if (ramBytes <= 0 || ramBytes % (SECTION_PFNS * PAGE) != 0) {
            throw new IllegalArgumentException("RAM must be a positive multiple of 128 MiB: " + ramBytes);
        }
        long pfns = ramBytes / PAGE;
        long sections = pfns / SECTION_PFNS;
        long perRoot = PAGE / SIZE_MEM_SECTION;
        long roots = (sections + perRoot - 1) / perRoot;
        long directPdpts = (ramBytes + (512L << 30) - 1) / (512L << 30);
        if (ROOT_PAGES_PA + roots * PAGE > PGT_PA || PGT_PA + (2 + directPdpts) * PAGE > MEMMAP_PA - PAGE) {
            throw new IllegalArgumentException("too much RAM for this layout: " + ramBytes);
        }
        Files.deleteIfExists(out);
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] notes = vmcoreinfoNote(vmcoreinfo());
            put(ch, 0, elfHeaders(notes.length, ramBytes));
            put(ch, NOTES_OFFSET, ByteBuffer.wrap(notes));
            ByteBuffer uts = ByteBuffer.allocate(6 * 65);
            String[] fields = {"Linux", "mixed-ram", "6.1.0-56-amd64", "#1 SMP PREEMPT_DYNAMIC", "x86_64", "(none)"};
            for (int i = 0; i < fields.length; i++) {
                uts.put(i * 65, fields[i].getBytes(StandardCharsets.US_ASCII));
            }
            put(ch, DATA_OFFSET + UTS_PA, uts);
            pageTables(ch, ramBytes, directPdpts);
            ByteBuffer root = le(roots * 8);
            for (long r = 0; r < roots; r++) {
                root.putLong(PAGE_OFFSET + ROOT_PAGES_PA + r * PAGE);
            }
            put(ch, DATA_OFFSET + ROOT_PA, root.flip());
            // section_mem_map holds the memmap minus the section's first pfn (sparse_encode_mem_map): with one
            // memmap for all pfns that is its start for every section; bit 0 = SECTION_MARKED_PRESENT
            ByteBuffer section = le(SIZE_MEM_SECTION);
            for (long s = 0; s < sections; s++) {
                section.clear();
                section.putLong(0, (PAGE_OFFSET + MEMMAP_PA) | 1);
                put(ch, DATA_OFFSET + ROOT_PAGES_PA + s * SIZE_MEM_SECTION, section);
            }
            ByteBuffer head = le(STRUCT_PAGE);
            ByteBuffer marker = le(8);
            long memmapEnd = memmapEndPfn(ramBytes);
            for (long chunk = 0; chunk < pfns / CHUNK_PFNS; chunk++) {
                long base = chunk * CHUNK_PFNS;
                for (int[] b : FREE_BLOCKS) {
                    head.clear();
                    head.putInt(48, -129);  // _mapcount = PAGE_BUDDY_MAPCOUNT_VALUE
                    head.putLong(40, b[1]); // private = buddy order
                    put(ch, DATA_OFFSET + MEMMAP_PA + (base + b[0]) * STRUCT_PAGE, head);
                }
                long kept = base + KEPT_IN_CHUNK;
                if (kept < MEMMAP_PA / PAGE || kept >= memmapEnd) {
                    marker.clear();
                    put(ch, DATA_OFFSET + kept * PAGE, marker.putLong(0, kept));
                }
            }
            if (ch.size() < DATA_OFFSET + ramBytes) {
                put(ch, DATA_OFFSET + ramBytes - 1, ByteBuffer.allocate(1));
            }
        }
    }

    static String vmcoreinfo() {
        return String.join("\n",
                "OSRELEASE=6.1.0-56-amd64", "PAGESIZE=4096",
                "SYMBOL(init_uts_ns)=" + Long.toHexString(START_KERNEL_MAP + UTS_PA),
                "OFFSET(uts_namespace.name)=0",
                "SYMBOL(mem_section)=" + Long.toHexString(PAGE_OFFSET + ROOT_PA),
                "SIZE(mem_section)=" + SIZE_MEM_SECTION, "OFFSET(mem_section.section_mem_map)=0",
                "NUMBER(SECTION_SIZE_BITS)=27", "NUMBER(MAX_PHYSMEM_BITS)=46",
                "SIZE(page)=64", "OFFSET(page.flags)=0", "OFFSET(page._refcount)=52", "OFFSET(page.mapping)=24",
                "OFFSET(page.lru)=8", "OFFSET(page._mapcount)=48", "OFFSET(page.private)=40",
                "OFFSET(page.compound_dtor)=16", "OFFSET(page.compound_order)=17", "OFFSET(page.compound_head)=8",
                "NUMBER(PG_lru)=4", "NUMBER(PG_private)=13", "NUMBER(PG_swapcache)=10", "NUMBER(PG_swapbacked)=19",
                "NUMBER(PG_slab)=9", "NUMBER(PG_hwpoison)=23", "NUMBER(PG_head_mask)=65536",
                "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129", "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257",
                "NUMBER(phys_base)=0", "SYMBOL(init_top_pgt)=" + Long.toHexString(START_KERNEL_MAP + PGT_PA),
                "NUMBER(pgtable_l5_enabled)=0", "KERNELOFFSET=0", "CRASHTIME=1795377056", "");
    }

    /** 4-level tables: the kernel text map and the direct map, each with 1 GiB pages from physical 0. */
    static void pageTables(FileChannel ch, long ramBytes, long directPdpts) throws IOException {
        long present = 0x3;
        long huge = 0xe3; // present, writable, accessed, dirty, 1 GiB page
        ByteBuffer e = le(8);
        put(ch, DATA_OFFSET + PGT_PA + 511 * 8, e.putLong(0, PGT_PA + PAGE | present));
        put(ch, DATA_OFFSET + PGT_PA + PAGE + 510 * 8, e.clear().putLong(0, huge));
        int first = (int) ((PAGE_OFFSET >>> 39) & 511);
        for (long i = 0; i < directPdpts; i++) {
            long pdpt = PGT_PA + (2 + i) * PAGE;
            put(ch, DATA_OFFSET + PGT_PA + (first + i) * 8, e.clear().putLong(0, pdpt | present));
            for (long g = 0; g < 512 && ((i * 512 + g) << 30) < ramBytes; g++) {
                put(ch, DATA_OFFSET + pdpt + g * 8, e.clear().putLong(0, ((i * 512 + g) << 30) | huge));
            }
        }
    }

    /** An ELF note: namesz, descsz, type, name and descriptor each padded to 4 bytes. */
    static byte[] vmcoreinfoNote(String text) {
        byte[] name = "VMCOREINFO\0".getBytes(StandardCharsets.US_ASCII);
        byte[] desc = text.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = le(12 + pad4(name.length) + pad4(desc.length));
        b.putInt(name.length).putInt(desc.length).putInt(0).put(name);
        b.position(12 + pad4(name.length));
        b.put(desc);
        return b.array();
    }

    /** ELF64 header (no section headers: e_shentsize 0, as the kernel writes it), PT_NOTE, one PT_LOAD for all RAM. */
    static ByteBuffer elfHeaders(long notesSize, long ramBytes) {
        ByteBuffer b = le(64 + 2 * 56);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).position(16);
        b.putShort((short) 4).putShort((short) 62).putInt(1).putLong(0).putLong(64).putLong(0).putInt(0);
        b.putShort((short) 64).putShort((short) 56).putShort((short) 2).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0);
        b.putInt(4).putInt(0).putLong(NOTES_OFFSET).putLong(0).putLong(0).putLong(notesSize).putLong(notesSize)
                .putLong(0);
        b.putInt(1).putInt(7).putLong(DATA_OFFSET).putLong(PAGE_OFFSET).putLong(0).putLong(ramBytes)
                .putLong(ramBytes).putLong(0);
        return b.flip();
    }

    private static int pad4(int n) {
        return (n + 3) & ~3;
    }

    private static ByteBuffer le(long n) {
        return ByteBuffer.allocate(Math.toIntExact(n)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void put(FileChannel ch, long at, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            at += ch.write(b, at);
        }
    }
}
