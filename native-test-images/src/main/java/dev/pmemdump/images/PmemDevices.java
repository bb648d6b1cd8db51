package dev.pmemdump.images;

import dev.pmemdump.io.Range;

import static dev.pmemdump.images.Linux61.*;

import dev.pmemdump.io.MappedImage;
import dev.pmemdump.pmem.MapLocation;
import dev.pmemdump.pmem.Mode;
import dev.pmemdump.pmem.Namespace;
import dev.pmemdump.pmem.NamespaceSpec;
import dev.pmemdump.pmem.PfnInfoBlock;
import dev.pmemdump.pmem.Region;
import dev.pmemdump.pmem.dax.DaxMapping;
import dev.pmemdump.pmem.RegionLayout;
import dev.pmemdump.vmcore.devm.DevmMemmapList;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The scenario's pmem: each region an image file holding the region (and, for an NVDIMM, its label
 * area) with namespaces created through pmem-layout as ndctl would, then, as the first kernel's
 * memremap_pages() left it: ZONE_DEVICE struct pages for every pfn of an fsdax/devdax namespace, in
 * RAM for {@code --map=mem} and on the device for {@code --map=dev}, their memory sections present,
 * and some user data with the pmem canaries.
 */
final class PmemDevices implements AutoCloseable {
    /** User data written per namespace: at most this many pages (a 64 GiB device stays cheap). */
    static final long MAX_USED_PAGES = 8192;

    /** One namespace where the first kernel had it. */
    record Placed(int region, Namespace ns, long phys, MemoryImage image) {
        PfnInfoBlock pfn() {
            return ns.pfn();
        }

        /** The pgmap range [first, end) in pfns: the namespace minus start_pad and end_trunc. */
        long firstPfn() {
            return (phys + pfn().startPad()) >>> PAGE_SHIFT;
        }

        long endPfn() {
            return (phys + ns.rawSize() - pfn().endTrunc()) >>> PAGE_SHIFT;
        }

        /** The altmap's base: the first pfn, aligned down to a 2 MiB subsection. */
        long basePfn() {
            return firstPfn() & -512L;
        }

        boolean onDevice() {
            return ns.map() == MapLocation.DEV;
        }

        /** The RFC's devm_memmap_vmcore range [base_pfn, base_pfn + PHYS_PFN(dataoff)). */
        Range metadataPfns() {
            return DevmMemmapList.memmapPfnRange(phys, pfn().startPad(), pfn().dataOff());
        }
    }

    private final List<MemoryImage> images;
    private final List<Region> regions;
    private final List<Placed> placed;
    private final List<Range> regionPfns;
    private final java.util.Map<Placed, Long> pgmaps = new java.util.HashMap<>();
    private final java.util.Map<Placed, List<Range>> ramMemmaps = new java.util.HashMap<>();

    private PmemDevices(List<MemoryImage> images, List<Region> regions, List<Placed> placed, List<Range> regionPfns) {
        this.images = images;
        this.regions = regions;
        this.placed = placed;
        this.regionPfns = regionPfns;
    }

    static PmemDevices create(Scenario s, List<Path> files, SplittableRandom rnd) throws IOException {
        List<MemoryImage> images = new ArrayList<>();
        List<Region> regions = new ArrayList<>();
        List<Placed> placed = new ArrayList<>();
        List<Scenario.PmemRegion> specs = s.pmem() == null ? List.of() : s.pmem();
        try {
            for (int i = 0; i < specs.size(); i++) {
                Scenario.PmemRegion spec = specs.get(i);
                RegionLayout layout = spec.legacy() ? RegionLayout.legacyE820(spec.startAddress())
                        : RegionLayout.qemuNvdimm(RegionLayout.DEFAULT_LABEL_SIZE, spec.startAddress());
                long fileSize = spec.length() + (spec.legacy() ? 0 : RegionLayout.DEFAULT_LABEL_SIZE);
                // On a DAX file system the image is mapped MAP_SYNC; a refusal is said on stderr.
                MappedImage img = DaxMapping.create(files.get(i), fileSize, System.err::println);
                MemoryImage mem = MemoryImage.of(img, spec.startAddress());
                images.add(mem);
                Region r = Region.open(img, layout);
                regions.add(r);
                List<Scenario.Namespace> nss = spec.namespaces() == null ? List.of() : spec.namespaces();
                if (spec.legacy()) {
                    if (!nss.isEmpty()) {
                        throw new IllegalArgumentException("pmem: legacy region " + spec.start()
                                + " has one label-less raw namespace; list no namespaces for it");
                    }
                    for (Namespace n : r.namespaces()) {
                        placed.add(new Placed(i, n, spec.startAddress() + n.offset(), mem));
                    }
                } else if (!nss.isEmpty()) {
                    r.initLabels("1.2");
                }
                for (Scenario.Namespace n : nss) {
                    Mode mode = Mode.parse(n.mode());
                    NamespaceSpec ns = NamespaceSpec.of(mode).withSize(n.length()).withName(n.name())
                            .withUuid(uuid(rnd)).withPersonalityUuid(uuid(rnd));
                    if (mode == Mode.FSDAX || mode == Mode.DEVDAX) {
                        ns = ns.withAlign(n.alignment())
                                .withMap(mode == Mode.DEVDAX ? MapLocation.DEV : MapLocation.parse(n.map() == null ? "dev" : n.map()));
                    }
                    Namespace created = r.create(ns);
                    placed.add(new Placed(i, created, spec.startAddress() + created.offset(), mem));
                }
            }
        } catch (IOException | RuntimeException e) {
            images.forEach(MemoryImage::close);
            throw e;
        }
        List<Range> regionPfns = specs.stream()
                .map(r -> new Range(r.startAddress() >>> PAGE_SHIFT, (r.startAddress() + r.length()) >>> PAGE_SHIFT))
                .toList();
        return new PmemDevices(images, regions, placed, regionPfns);
    }

    /** A random (version 4) UUID drawn from the scenario's generator, so labels are reproducible. */
    private static UUID uuid(SplittableRandom rnd) {
        long msb = (rnd.nextLong() & ~0xf000L) | 0x4000L;
        long lsb = (rnd.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    List<MemoryImage> images() {
        return images;
    }

    List<Placed> namespaces() {
        return placed;
    }

    /** Namespaces with a memmap (fsdax, devdax). */
    List<Placed> withMemmap() {
        return placed.stream().filter(p -> p.pfn() != null).toList();
    }

    /** The /proc/iomem children of each region: namespaceX.Y, and daxX.Y over a devdax's data. */
    List<List<IomemText.Entry>> iomemChildren() {
        List<List<IomemText.Entry>> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            List<IomemText.Entry> kids = new ArrayList<>();
            for (Placed p : placed) {
                if (p.region() != i) {
                    continue;
                }
                long end = p.phys() + p.ns().rawSize() - 1;
                if (p.ns().mode() == Mode.DEVDAX) {
                    long data = p.phys() + p.ns().dataOffset();
                    kids.add(new IomemText.Entry(p.phys(), data - 1, 1, p.ns().dev()));
                    kids.add(new IomemText.Entry(data, end, 1, p.ns().chardev(Region.REGION_ID)));
                } else {
                    kids.add(new IomemText.Entry(p.phys(), end, 1, p.ns().dev()));
                }
            }
            out.add(kids);
        }
        return out;
    }

    /**
     * memremap_pages() of every fsdax/devdax namespace: sections marked present (ZONE_DEVICE),
     * vmemmap backed on the device or by RAM, a struct page for each pfn, and the parts of the
     * present sections' vmemmap that no namespace backs mapped to one zeroed page, so that every
     * struct page of a present section reads.
     */
    void populateMemmaps(MemoryImage ram, Memblock memblock, Vmemmap vmemmap, MemSection sections) {
        for (Placed p : withMemmap()) {
            long first = p.basePfn();
            long end = p.endPfn();
            for (long nr = first / PAGES_PER_SECTION; nr <= (end - 1) / PAGES_PER_SECTION; nr++) {
                long s0 = Math.max(first, nr * PAGES_PER_SECTION) - nr * PAGES_PER_SECTION;
                long s1 = Math.min(end, (nr + 1) * PAGES_PER_SECTION) - nr * PAGES_PER_SECTION;
                long mask = 0;
                for (long sub = s0 / 512; sub < (s1 + 511) / 512; sub++) {
                    mask |= 1L << sub;
                }
                sections.addSection(nr, SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP | SECTION_TAINT_ZONE_DEVICE, mask);
            }
            long va0 = vmemmapOf(first);
            long bytes = (end - first) * PAGE_STRUCT_SIZE;
            MemoryImage home;
            long backing;
            if (p.onDevice()) {
                // vmem_altmap_alloc(): after the info-block reserve, 2 MiB blocks aligned like their vmemmap.
                long reserveEnd = (first << PAGE_SHIFT) + PfnInfoBlock.INFO_RESERVE + (p.firstPfn() - first) * PAGE_SIZE;
                long aligned = reserveEnd + ((va0 - reserveEnd) & (PageTables.MIB2 - 1));
                long limit = p.phys() + p.pfn().dataOff();
                backing = aligned + bytes <= limit ? aligned : reserveEnd;
                if (backing + bytes > limit) {
                    throw new IllegalStateException(p.ns().dev() + ": memmap does not fit before dataoff");
                }
                home = p.image();
            } else {
                long skew = va0 & (PageTables.MIB2 - 1);
                backing = memblock.alloc((skew + bytes + PAGE_SIZE - 1) & -PAGE_SIZE, PageTables.MIB2) + skew;
                home = ram;
            }
            long base = backing;
            vmemmap.populateRange(first, end, va -> base + (va - va0));
            writeStructPages(p, home, base, memblock, ram);
            if (!p.onDevice()) {
                ramMemmaps.put(p, memmapPages(p, vmemmap));
            }
        }
        long zeroPage = -1;
        for (Placed p : withMemmap()) {
            for (long nr = p.basePfn() / PAGES_PER_SECTION; nr <= (p.endPfn() - 1) / PAGES_PER_SECTION; nr++) {
                for (long pfn = nr * PAGES_PER_SECTION; pfn < (nr + 1) * PAGES_PER_SECTION; pfn += 64) {
                    if (!vmemmap.isPopulated(pfn)) {
                        if (zeroPage < 0) {
                            zeroPage = memblock.allocPage();
                        }
                        vmemmap.populatePage(pfn, zeroPage);
                    }
                }
            }
        }
    }

    /**
     * __init_zone_device_page() for the namespace's pfns: PG_reserved, zone DEVICE, pgmap, refcount 1
     * and mapcount -1 (6.1; fsdax and device-dax pages idle at refcount 1); the pfns hosting the
     * memmap itself (altmap) are plain reserved ZONE_DEVICE pages.
     */
    private void writeStructPages(Placed p, MemoryImage home, long memmap, Memblock memblock, MemoryImage ram) {
        long pgmap = memblock.alloc(256, 64);
        ram.putInt(pgmap + 0x90, p.ns().mode() == Mode.DEVDAX ? MEMORY_DEVICE_GENERIC : MEMORY_DEVICE_FS_DAX);
        long pgmapVa = directMap(pgmap);
        long flags = StructPage.bit(PG_RESERVED) | zoneFlags(ZONE_DEVICE);
        long first = p.basePfn();
        long dataFirst = p.onDevice() ? p.metadataPfns().end() : p.firstPfn();
        pgmaps.put(p, pgmapVa);
        for (long pfn = first; pfn < p.endPfn(); pfn++) {
            long at = memmap + (pfn - first) * PAGE_STRUCT_SIZE;
            StructPage sp = pfn < dataFirst
                    ? new StructPage(flags, vmemmapOf(pfn) + PAGE_LRU, vmemmapOf(pfn) + PAGE_LRU, 0, 0, 0, -1, 1)
                    : new StructPage(flags, pgmapVa, 0, 0, 0, 0, -1, 1);
            sp.write(home, at);
        }
    }

    /**
     * Writes user data at the start of each namespace's data area (a file's worth of recognisable
     * blocks), points the struct pages of those pages at a DAX file's address_space, and plants the
     * pmem canaries in the first namespace's data. Returns the canaries planted.
     */
    List<FirstKernel.Canary> fillUserData(SplittableRandom rnd, long seed, List<String> canaries, MemoryImage ram,
                                          Vmemmap vmemmap, Memblock memblock) {
        List<FirstKernel.Canary> planted = new ArrayList<>();
        int c = 0;
        for (Placed p : placed) {
            long dataPa = p.phys() + (p.pfn() == null ? 0 : p.ns().dataOffset());
            long dataEnd = p.phys() + p.ns().rawSize() - (p.pfn() == null ? 0 : p.pfn().endTrunc());
            long pages = Math.min(MAX_USED_PAGES, ((dataEnd - dataPa) >>> PAGE_SHIFT) / 8);
            long mapping = 0;
            if (p.pfn() != null && p.ns().mode() == Mode.FSDAX) {
                long inode = memblock.alloc(1024, 64);
                ram.putString(inode + 0x100, "dax inode of /mnt/" + p.ns().dev() + "/data");
                mapping = directMap(inode) + 0x1c0;
            } else if (p.pfn() != null) {
                long inode = memblock.alloc(1024, 64);
                ram.putString(inode + 0x100, "/dev/" + p.ns().chardev(Region.REGION_ID));
                mapping = directMap(inode) + 0x1c0;
            }
            for (long i = 0; i < pages; i++) {
                long pa = dataPa + (i << PAGE_SHIFT);
                if (i % 4 == 0) {
                    Fill.text(p.image(), pa, PAGE_SIZE, p.ns().dev() + " block " + i + ": pmemdump user data, seed "
                            + seed + "\n");
                } else {
                    Fill.random(p.image(), pa, PAGE_SIZE, rnd);
                }
                if (mapping != 0) {
                    long sp = vmemmap.structPage(pa >>> PAGE_SHIFT);
                    MemoryImage home = p.onDevice() ? p.image() : ram;
                    home.putLong(sp + PAGE_MAPPING, mapping);
                    home.putLong(sp + PAGE_INDEX, i);
                }
            }
            while (pages > 0 && c < canaries.size()) {
                String text = canaries.get(c++);
                if (FirstKernel.canaryClass(text) != null) {
                    continue;
                }
                long pa = dataPa + ((rnd.nextLong(pages)) << PAGE_SHIFT) + 16L * rnd.nextInt(64);
                p.image().putString(pa, text);
                planted.add(new FirstKernel.Canary(text, null, pa));
            }
        }
        return planted;
    }

    /**
     * The RAM pages backing the struct pages of a {@code --map=mem} namespace's pfns, as physical pfn
     * ranges {@code [start, end)} in the order of the namespace's pfns; a vmemmap page at either end
     * that also holds struct pages of pfns outside the region is left out (it is not only pmem's).
     */
    List<Range> ramMemmapPfns(Placed p) {
        return ramMemmaps.getOrDefault(p, List.of());
    }

    private List<Range> memmapPages(Placed p, Vmemmap vmemmap) {
        Range region = regionPfns.get(p.region());
        long pfnsPerPage = PAGE_SIZE / PAGE_STRUCT_SIZE;
        List<Range> out = new ArrayList<>();
        for (long pfn = p.basePfn() & -pfnsPerPage; pfn < p.endPfn(); pfn += pfnsPerPage) {
            if (!region.contains(Range.ofLength(pfn, pfnsPerPage))) {
                continue;
            }
            long page = vmemmap.structPage(pfn) >>> PAGE_SHIFT;
            Range last = out.isEmpty() ? null : out.getLast();
            if (last != null && last.end() == page) {
                out.set(out.size() - 1, new Range(last.start(), page + 1));
            } else {
                out.add(new Range(page, page + 1));
            }
        }
        return out;
    }

    /** The struct dev_pagemap of a namespace (its kernel address), once its memmap is populated. */
    long pgmap(Placed p) {
        return pgmaps.get(p);
    }

    @Override
    public void close() {
        images.forEach(MemoryImage::close);
    }
}
