package dev.pmemdump.images;

import dev.pmemdump.io.Range;

import static dev.pmemdump.images.Linux61.*;
import static dev.pmemdump.images.StructPage.bit;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Hands the RAM left after boot to slab, page cache (with and without buffer heads), anonymous
 * memory, zero-filled kernel allocations and free buddy blocks, in the scenario's shares, and writes
 * each page's content and its struct page the way 6.1 leaves them: buddy heads with
 * PAGE_BUDDY_MAPCOUNT_VALUE and the order in private, cache pages on the LRU with a mapping to an
 * inode's address_space, anonymous pages with anon_vma | 1, THPs and cache folios as compound pages.
 */
final class PageMix {
    /** Objects per slab page of the caches whose objects other pages point to. */
    private static final long INODE_SIZE = 1024;
    private static final long INODE_I_DATA = 0x1c0;
    private static final long ANON_VMA_SIZE = 96;
    private static final long BUFFER_HEAD_SIZE = 104;
    private static final int PAGES_PER_FILE = 48;
    private static final int PROCESSES = 6;

    private final MemoryImage ram;
    private final Vmemmap vmemmap;
    private final PageClass[] classes;
    private final SplittableRandom rnd;
    private final Scenario.Mix mix;
    private final long seed;
    private final Map<PageClass, LongList> pfnsByClass = new EnumMap<>(PageClass.class);
    private final List<LongList> freeHeadsByOrder = new ArrayList<>();

    private long nextInodeObject;
    private long inodeObjectsLeft;
    private long anonVmaBase;
    private long nextBufferHead;
    private long bufferHeadsLeft;
    private int bufferHeadPage;
    private final List<Long> bufferHeadPages = new ArrayList<>();
    private long kmemCaches;
    private long currentMapping;
    private long currentIndex;
    private int filePagesLeft;
    private int files;

    PageMix(MemoryImage ram, Vmemmap vmemmap, PageClass[] classes, SplittableRandom rnd, Scenario.Mix mix, long seed) {
        this.ram = ram;
        this.vmemmap = vmemmap;
        this.classes = classes;
        this.rnd = rnd;
        this.mix = mix;
        this.seed = seed;
        for (PageClass c : PageClass.values()) {
            pfnsByClass.put(c, new LongList());
        }
        for (int o = 0; o < MAX_ORDER; o++) {
            freeHeadsByOrder.add(new LongList());
        }
    }

    void populate(List<Range> freeRanges) {
        List<Range> pool = new ArrayList<>();
        long total = 0;
        for (Range r : freeRanges) {
            long s = (r.start() + PAGE_SIZE - 1) >>> PAGE_SHIFT;
            long e = r.end() >>> PAGE_SHIFT;
            if (e > s) {
                pool.add(new Range(s, e));
                total += e - s;
            }
        }
        long cachePages = (long) (total * (mix.pageCache() + mix.pageCachePrivate()));
        long privatePages = (long) (total * mix.pageCachePrivate());
        double[] share = {mix.slab(), mix.pageCache(), mix.pageCachePrivate(), mix.anon(), mix.zero(), mix.free()};
        PageClass[] kinds = {PageClass.SLAB, PageClass.CACHE, PageClass.CACHE_PRIVATE, PageClass.ANON, PageClass.KERNEL,
                PageClass.FREE};
        long[] deficit = new long[kinds.length];
        for (int k = 0; k < kinds.length; k++) {
            deficit[k] = (long) (total * share[k]);
        }
        // Slab pages whose objects the other pages point to come first.
        long inodePages = cachePages / PAGES_PER_FILE / (PAGE_SIZE / INODE_SIZE) + 1;
        long bhPages = privatePages / (PAGE_SIZE / BUFFER_HEAD_SIZE) + 1;
        long needed = 2 + inodePages + bhPages;
        int r = 0;
        long p = pool.get(0).start();
        long[] metaPfns = new long[(int) needed];
        for (int i = 0; i < needed; i++) {
            while (p >= pool.get(r).end()) {
                r++;
                p = pool.get(r).start();
            }
            metaPfns[i] = p++;
        }
        pool.set(r, new Range(p, pool.get(r).end()));
        layOutKernelObjects(metaPfns, inodePages);
        deficit[0] -= needed;
        int thpLeft = mix.thpPages();
        for (Range range : pool) {
            for (long pfn = range.start(); pfn < range.end(); ) {
                long room = range.end() - pfn;
                int maxOrder = Math.min(MAX_ORDER - 1, Math.min(Long.numberOfTrailingZeros(pfn),
                        63 - Long.numberOfLeadingZeros(room)));
                int k = pick(deficit);
                PageClass c = kinds[k];
                int order = switch (c) {
                    case FREE -> rnd.nextInt(maxOrder + 1);
                    case ANON -> thpLeft > 0 && maxOrder >= 9 && rnd.nextInt(4) == 0 ? 9 : 0;
                    case CACHE, CACHE_PRIVATE -> mix.cacheFolioOrder() > 0 && maxOrder >= mix.cacheFolioOrder()
                            && rnd.nextInt(4) == 0 ? mix.cacheFolioOrder() : 0;
                    case SLAB -> rnd.nextInt(4) == 0 ? Math.min(maxOrder, 1 + rnd.nextInt(2)) : 0;
                    default -> 0;
                };
                // A block never overshoots its class's share by more than it needs.
                order = Math.min(order, 63 - Long.numberOfLeadingZeros(Math.max(1, deficit[k])));
                if (c == PageClass.ANON && order == 9) {
                    thpLeft--;
                }
                place(pfn, order, c);
                deficit[k] -= 1L << order;
                pfn += 1L << order;
            }
        }
        linkFreeLists();
    }

    /** A class drawn with probability proportional to what it still lacks; free pages once all are met. */
    private int pick(long[] deficit) {
        long sum = 0;
        for (long d : deficit) {
            sum += Math.max(0, d);
        }
        if (sum == 0) {
            return deficit.length - 1;
        }
        long x = rnd.nextLong(sum);
        for (int k = 0; k < deficit.length; k++) {
            x -= Math.max(0, deficit[k]);
            if (x < 0) {
                return k;
            }
        }
        return deficit.length - 1;
    }

    private void mark(long pfn, int order, PageClass c) {
        for (long i = 0; i < 1L << order; i++) {
            classes[(int) (pfn + i)] = c;
            pfnsByClass.get(c).add(pfn + i);
        }
    }

    /** kmem_cache descriptors, inode objects with their address_space, anon_vmas, buffer heads. */
    private void layOutKernelObjects(long[] metaPfns, long inodePages) {
        long cachesPfn = metaPfns[0];
        kmemCaches = directMap(cachesPfn << PAGE_SHIFT);
        writeSlabPage(cachesPfn, kmemCaches, 256, 16);
        for (int i = 0; i < 16; i++) {
            ram.putString((cachesPfn << PAGE_SHIFT) + i * 256L + 0x60, CACHE_NAMES[i % CACHE_NAMES.length]);
        }
        long anonPfn = metaPfns[1];
        anonVmaBase = directMap(anonPfn << PAGE_SHIFT);
        writeSlabPage(anonPfn, kmemCache(1), ANON_VMA_SIZE, PROCESSES);
        for (int i = 0; i < PROCESSES; i++) {
            long o = (anonPfn << PAGE_SHIFT) + i * ANON_VMA_SIZE;
            ram.putLong(o, anonVmaBase + i * ANON_VMA_SIZE); // root: itself
            ram.putInt(o + 0x30, 1);                          // refcount
        }
        nextInodeObject = directMap(metaPfns[2] << PAGE_SHIFT);
        inodeObjectsLeft = PAGE_SIZE / INODE_SIZE;
        for (int i = 0; i < inodePages; i++) {
            writeSlabPage(metaPfns[2 + i], kmemCache(2), INODE_SIZE, (int) (PAGE_SIZE / INODE_SIZE));
        }
        for (int i = (int) (2 + inodePages); i < metaPfns.length; i++) {
            writeSlabPage(metaPfns[i], kmemCache(3), BUFFER_HEAD_SIZE, 0);
            bufferHeadPages.add(metaPfns[i]);
        }
        nextBufferHead = directMap(bufferHeadPages.get(0) << PAGE_SHIFT);
        bufferHeadsLeft = PAGE_SIZE / BUFFER_HEAD_SIZE;
    }

    private static final String[] CACHE_NAMES = {"kmem_cache", "anon_vma", "inode_cache", "buffer_head",
            "kmalloc-64", "kmalloc-128", "kmalloc-256", "dentry", "radix_tree_node", "task_struct", "mm_struct",
            "vm_area_struct", "filp", "kmalloc-512", "kmalloc-1k", "skbuff_head_cache"};

    private long kmemCache(int i) {
        return kmemCaches + i * 256L;
    }

    private void writeSlabPage(long pfn, long cache, long objSize, int inuse) {
        mark(pfn, 0, PageClass.SLAB);
        long va = vmemmapOf(pfn);
        long objects = PAGE_SIZE / objSize;
        long firstFree = inuse < objects ? directMap(pfn << PAGE_SHIFT) + inuse * objSize : 0;
        new StructPage(bit(PG_SLAB) | zoneFlags(ramZone(pfn)), va + PAGE_LRU, va + PAGE_LRU, cache, firstFree,
                counters(inuse, objects), -1, 1).write(ram, vmemmap.structPage(pfn));
    }

    /** struct slab counters: inuse:16, objects:15, frozen:1. */
    private static long counters(long inuse, long objects) {
        return inuse | (objects << 16);
    }

    private long nextInode() {
        if (inodeObjectsLeft == 0) {
            nextInodeObject = alignNextPage(nextInodeObject);
            inodeObjectsLeft = PAGE_SIZE / INODE_SIZE;
        }
        long inode = nextInodeObject;
        nextInodeObject += INODE_SIZE;
        inodeObjectsLeft--;
        return inode;
    }

    private static long alignNextPage(long va) {
        return (va + PAGE_SIZE - 1) & -PAGE_SIZE;
    }

    private long nextBufferHead() {
        if (bufferHeadsLeft == 0) {
            bufferHeadPage++;
            nextBufferHead = directMap(bufferHeadPages.get(bufferHeadPage) << PAGE_SHIFT);
            bufferHeadsLeft = PAGE_SIZE / BUFFER_HEAD_SIZE;
        }
        long bh = nextBufferHead;
        nextBufferHead += BUFFER_HEAD_SIZE;
        bufferHeadsLeft--;
        long pa = bh - PAGE_OFFSET;
        ram.putLong(pa, bh); // b_this_page: a one-buffer ring
        ram.putLong(pa + 8, 1L << 0); // b_state: BH_Uptodate
        ram.putInt(pa + 0x20, (int) PAGE_SIZE); // b_size
        long pfn = pa >>> PAGE_SHIFT;
        long sp = vmemmap.structPage(pfn);
        long inuse = ram.getLong(sp + SLAB_COUNTERS) & 0xffff;
        ram.putLong(sp + SLAB_COUNTERS, counters(inuse + 1, PAGE_SIZE / BUFFER_HEAD_SIZE));
        return bh;
    }

    /** Moves to a new file when the current one is full; returns the address_space for the next pages. */
    private long mappingFor(int pages) {
        if (filePagesLeft < pages || currentMapping == 0) {
            long inode = nextInode();
            long pa = inode - PAGE_OFFSET;
            files++;
            ram.putInt(pa, 0x81a4);                         // i_mode: regular file 0644
            ram.putLong(pa + 0x40, 1000 + files);           // i_ino
            ram.putLong(pa + 0x30, inode + INODE_I_DATA);   // i_mapping
            ram.putString(pa + 0x100, "inode of /var/lib/pmemdump/file" + files);
            currentMapping = inode + INODE_I_DATA;
            ram.putLong(currentMapping - PAGE_OFFSET, inode); // address_space.host
            currentIndex = 0;
            filePagesLeft = PAGES_PER_FILE;
        }
        filePagesLeft -= pages;
        long nrpagesPa = currentMapping - PAGE_OFFSET + 0x58;
        ram.putLong(nrpagesPa, ram.getLong(nrpagesPa) + pages);
        return currentMapping;
    }

    private void place(long pfn, int order, PageClass c) {
        mark(pfn, order, c);
        int zone = ramZone(pfn);
        long headVa = vmemmapOf(pfn);
        long zf = zoneFlags(zone);
        long pa = pfn << PAGE_SHIFT;
        long bytes = PAGE_SIZE << order;
        long head = order > 0 && c != PageClass.FREE ? bit(PG_HEAD) : 0;
        switch (c) {
            case FREE -> {
                freeHeadsByOrder.get(order).add(pfn);
                for (long i = 1; i < 1L << order; i++) {
                    StructPage.buddyTail(vmemmapOf(pfn + i), zone).write(ram, vmemmap.structPage(pfn + i));
                }
                if (rnd.nextBoolean()) {
                    Fill.random(ram, pa, bytes, rnd); // stale data of the last owner
                }
                return;
            }
            case KERNEL -> StructPage.kernelAllocated(headVa, zone).write(ram, vmemmap.structPage(pfn));
            case SLAB -> {
                long objSize = 64L << rnd.nextInt(5);
                long cache = kmemCache(4 + rnd.nextInt(12));
                long objects = bytes / objSize;
                long inuse = 1 + rnd.nextLong(objects);
                long freeObj = inuse < objects ? directMap(pa) + inuse * objSize : 0;
                new StructPage(bit(PG_SLAB) | head | zf, headVa + PAGE_LRU, headVa + PAGE_LRU, cache, freeObj,
                        counters(inuse, objects), -1, 1).write(ram, vmemmap.structPage(pfn));
                Fill.random(ram, pa, inuse * objSize, rnd);
            }
            case CACHE, CACHE_PRIVATE -> {
                long mapping = mappingFor(1 << order);
                long index = currentIndex;
                currentIndex += 1L << order;
                boolean mapped = rnd.nextInt(3) == 0;
                long flags = bit(PG_LRU) | bit(PG_UPTODATE) | bit(PG_REFERENCED) | head | zf
                        | (rnd.nextBoolean() ? bit(PG_ACTIVE) : 0);
                long priv = 0;
                int ref = 1 + (mapped ? 1 : 0);
                if (c == PageClass.CACHE_PRIVATE) {
                    flags |= bit(PG_PRIVATE);
                    priv = nextBufferHead();
                    ram.putLong(priv - PAGE_OFFSET + 0x10, vmemmapOf(pfn)); // b_page
                    ref++;
                }
                new StructPage(flags, headVa + PAGE_LRU, headVa + PAGE_LRU, mapping, index, priv, mapped ? 0 : -1, ref)
                        .write(ram, vmemmap.structPage(pfn));
                Fill.text(ram, pa, bytes, "file" + files + " offset " + (index << PAGE_SHIFT)
                        + ": pmemdump page-cache text, seed " + seed + "\n");
            }
            case ANON -> {
                int process = rnd.nextInt(PROCESSES);
                long userVa = 0x7f0000000000L + ((long) process << 32) + (pfn << PAGE_SHIFT);
                long flags = bit(PG_LRU) | bit(PG_UPTODATE) | bit(PG_SWAPBACKED) | bit(PG_ACTIVE) | head | zf;
                long anonVma = anonVmaBase + process * ANON_VMA_SIZE;
                new StructPage(flags, headVa + PAGE_LRU, headVa + PAGE_LRU, anonVma | PAGE_MAPPING_ANON,
                        userVa >>> PAGE_SHIFT, 0, order > 0 ? -1 : 0, 1).write(ram, vmemmap.structPage(pfn));
                Fill.random(ram, pa, bytes, rnd);
            }
            default -> throw new IllegalStateException(c.toString());
        }
        if (order > 0) {
            int dtor = c == PageClass.ANON ? TRANSHUGE_PAGE_DTOR : COMPOUND_PAGE_DTOR;
            int compoundMapcount = c == PageClass.ANON ? 0 : -1;
            StructPage.writeFirstTail(ram, vmemmap.structPage(pfn + 1), headVa, zone, dtor, order, compoundMapcount);
            for (long i = 2; i < 1L << order; i++) {
                StructPage.tail(headVa, zone).write(ram, vmemmap.structPage(pfn + i));
            }
        }
    }

    /** Free blocks of one order form a circular list through their heads' lru. */
    private void linkFreeLists() {
        for (int o = 0; o < MAX_ORDER; o++) {
            LongList heads = freeHeadsByOrder.get(o);
            int n = heads.size();
            for (int i = 0; i < n; i++) {
                long pfn = heads.get(i);
                long next = vmemmapOf(heads.get((i + 1) % n)) + PAGE_LRU;
                long prev = vmemmapOf(heads.get((i + n - 1) % n)) + PAGE_LRU;
                StructPage.buddyHead(prev, next, o, ramZone(pfn)).write(ram, vmemmap.structPage(pfn));
            }
        }
    }

    /** Plants {@code text} in a random page of class {@code c}; returns its physical address. */
    long plant(String text, PageClass c) {
        LongList pfns = pfnsByClass.get(c);
        if (pfns.size() == 0) {
            throw new IllegalArgumentException("no " + c + " page to plant canary '" + text + "' in");
        }
        long pfn = pfns.get(rnd.nextInt(pfns.size()));
        long off = 16L * rnd.nextInt((int) ((PAGE_SIZE - text.length()) / 16));
        long pa = (pfn << PAGE_SHIFT) + off;
        ram.putString(pa, text);
        return pa;
    }
}
