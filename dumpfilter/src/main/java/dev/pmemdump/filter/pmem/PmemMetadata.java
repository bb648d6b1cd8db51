package dev.pmemdump.filter.pmem;

import dev.pmemdump.io.Range;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.MappedImage;
import dev.pmemdump.io.Ranges;
import dev.pmemdump.vmcore.iomem.Iomem;
import dev.pmemdump.vmcore.iomem.Resource;
import dev.pmemdump.pmem.InfoBlock;
import dev.pmemdump.pmem.PfnInfoBlock;
import dev.pmemdump.pmem.Uuids;
import dev.pmemdump.pmem.dax.DaxMapping;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.devm.DevmMemmapList;
import dev.pmemdump.vmcore.xlat.KernelMemory;
import dev.pmemdump.vmcore.xlat.PhysicalMemory;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the pmem metadata (info block and on-device memmap, case D) lies, from the first source
 * that knows (issue 6): the RFC v2 devm_memmap_vmcore list in VMCOREINFO; else the namespaces' pfn
 * info blocks (RFC v3, as the nvdimm maintainer asked), read from images or devices given with
 * {@code --pmem-infoblock} or else from the first pages of each pmem PT_LOAD; else the
 * {@code Device Backed Vmemmap} entries of an iomem listing (the 2024 redesign). The info blocks also
 * tell which namespaces have their memmap in RAM (case C, see {@link RamMemmap}).
 *
 * <p>Only info-block pages are read, never user data.
 */
public final class PmemMetadata {
    /** iomem name of the altmap region in the 2024 redesign. */
    public static final String DEVICE_BACKED_VMEMMAP = "Device Backed Vmemmap";
    /** pfn_sb.parent_uuid: after the 16-byte signature and the 16-byte uuid (docs/pmem-formats.md §1.2). */
    private static final int PARENT_UUID_OFFSET = 32;
    private static final int INFO_BLOCK_SIZE = 4096;
    /** pfn_sb.npfns, the figure a namespace running past its pmem usually gets wrong (docs/pmem-formats.md §1.2). */
    private static final long NPFNS_OFFSET = 0x40;

    /**
     * The on-device metadata ranges and which source gave them, and the pfns of each namespace whose
     * memmap lives in RAM (case C, from the info blocks whatever the source of the device ranges).
     */
    public record Found(String source, List<Range> ranges, List<Range> memmapInRam) {}

    /**
     * What one pfn info block says of its namespace at {@code start}: where the namespace ends, its
     * pgmap pfns {@code [SUBSECTION_ALIGN_DOWN(PHYS_PFN(start + start_pad)), + data pfns)}, and, for
     * memmap on the device, its metadata pfns (null for memmap in RAM).
     */
    record Described(long end, Range pfns, Range onDevice) {}

    /** A namespace image or device and the physical address where the namespace starts. */
    public record InfoblockSource(Path path, long physicalStart) {}

    private PmemMetadata() {}

    /**
     * @param pmemLoads  physical {@code [start, end)} byte ranges of the pmem PT_LOADs
     * @param infoblocks {@code --pmem-infoblock} sources (may be empty)
     * @param iomem      an iomem listing, or null
     */
    public static Found find(VmcoreInfo vi, KernelMemory kernel, PhysicalMemory physical, List<Range> pmemLoads,
                             List<Long> namespaceStarts, List<InfoblockSource> infoblocks, Iomem iomem,
                             long pageSize) throws IOException {
        List<Described> described = new ArrayList<>();
        for (InfoblockSource src : infoblocks) {
            MemorySegment block = readFile(src.path());
            describe(src.path().toString(), PfnInfoBlock.NAMESPACE_OFFSET, block, src.physicalStart(),
                    endOf(pmemLoads, src.physicalStart()), pageSize).ifPresent(described::add);
        }
        if (infoblocks.isEmpty()) {
            for (Range load : pmemLoads) {
                described.addAll(namespaceStarts.isEmpty() ? chain(physical, load, pageSize)
                        : atStarts(physical, load, namespaceStarts, pageSize));
            }
        }
        List<Range> inRam = described.stream().filter(d -> d.onDevice() == null).map(Described::pfns).toList();
        List<Range> onDevice = described.stream().map(Described::onDevice).filter(r -> r != null).toList();
        Optional<List<DevmMemmapList.Entry>> devm = DevmMemmapList.restore(vi, kernel);
        if (devm.isPresent()) {
            List<Range> r = new ArrayList<>();
            for (DevmMemmapList.Entry e : devm.get()) {
                r.add(pfns(e.startPfn(), e.endPfn()));
            }
            return new Found("devm_memmap_vmcore list", r, inRam);
        }
        if (!infoblocks.isEmpty()) {
            return new Found("pmem info blocks (--pmem-infoblock)", onDevice, inRam);
        }
        if (!onDevice.isEmpty()) {
            return new Found("pmem info blocks in the pmem PT_LOADs", onDevice, inRam);
        }
        if (iomem != null) {
            List<Range> r = new ArrayList<>();
            for (Resource res : iomem.named(DEVICE_BACKED_VMEMMAP)) {
                r.add(pfns(res.start() / pageSize, (res.range().end() + pageSize - 1) / pageSize));
            }
            if (!r.isEmpty()) {
                return new Found("Device Backed Vmemmap in " + iomem.source(), r, inRam);
            }
        }
        return new Found("none", List.of(), inRam);
    }

    /**
     * The namespaces laid one after another from the start of a pmem PT_LOAD, as a fresh region
     * allocates them: each info block says where its namespace ends and so where the next one's
     * block is. Stops at the first namespace without a block (raw, or free space).
     */
    static List<Described> chain(PhysicalMemory physical, Range load, long pageSize) throws CorruptInputException {
        List<Described> out = new ArrayList<>();
        long ns = load.start();
        while (ns < load.end()) {
            long at = ns + PfnInfoBlock.NAMESPACE_OFFSET;
            if (at + INFO_BLOCK_SIZE > load.end()) {
                break;
            }
            MemorySegment block = MemorySegment.ofArray(physical.read(at, INFO_BLOCK_SIZE));
            Optional<Described> d = describe(physical.name() + " (physical 0x" + Long.toHexString(at) + ")", at,
                    block, ns, load.end(), pageSize);
            if (d.isEmpty() || d.get().end() <= ns) {
                break;
            }
            out.add(d.get());
            ns = d.get().end();
        }
        return out;
    }

    /**
     * The namespaces at {@code starts} inside {@code load}, as the first kernel listed them: a raw
     * namespace (no block) is skipped and the next one still found.
     */
    static List<Described> atStarts(PhysicalMemory physical, Range load, List<Long> starts, long pageSize)
            throws CorruptInputException {
        List<Described> out = new ArrayList<>();
        for (long ns : starts) {
            long at = ns + PfnInfoBlock.NAMESPACE_OFFSET;
            if (!load.contains(ns) || at + INFO_BLOCK_SIZE > load.end()) {
                continue;
            }
            MemorySegment block = MemorySegment.ofArray(physical.read(at, INFO_BLOCK_SIZE));
            describe(physical.name() + " (physical 0x" + Long.toHexString(at) + ")", at, block, ns, load.end(),
                    pageSize).ifPresent(out::add);
        }
        return out;
    }

    /**
     * The namespace a pfn info block at {@code start} describes; empty without a block (raw). Its
     * extent comes from the block's own figures, never from where the PT_LOAD ends (a region need
     * not end 2 MiB aligned); a namespace running past {@code end} is a named error.
     */
    static Optional<Described> describe(String resource, long offset, MemorySegment block, long start, long end,
                                        long pageSize) throws CorruptInputException {
        String sig = InfoBlock.hasSignature(block, PfnInfoBlock.PFN_SIG) ? PfnInfoBlock.PFN_SIG
                : InfoBlock.hasSignature(block, PfnInfoBlock.DAX_SIG) ? PfnInfoBlock.DAX_SIG : null;
        if (sig == null) {
            return Optional.empty();
        }
        long size;
        try {
            size = PfnInfoBlock.describedSize(block);
        } catch (ArithmeticException e) {
            size = -1;
        }
        if (size <= 0 || size > end - start) {
            throw new CorruptInputException(resource, offset + NPFNS_OFFSET, "info block describes a namespace at 0x"
                    + Long.toHexString(start) + " of " + (size <= 0 ? "no valid size" : "0x" + Long.toHexString(size)
                    + " bytes") + ", past the end of its pmem at 0x" + Long.toHexString(end));
        }
        var parent = Uuids.readUuid(block, PARENT_UUID_OFFSET);
        PfnInfoBlock sb = PfnInfoBlock.read(resource, offset, block, sig, parent, start, size);
        Range meta = DevmMemmapList.memmapPfnRange(start, sb.startPad(), sb.dataOff());
        long dataStart = Ranges.add(resource, offset, start + sb.startPad(), sb.dataOff(), "data start");
        long dataEnd = Ranges.add(resource, offset, dataStart,
                Ranges.multiply(resource, offset, sb.npfns(), pageSize, "npfns"), "data end");
        long nsEnd = Ranges.add(resource, offset, dataEnd, sb.endTrunc(), "namespace end");
        Range pfns = pfns(meta.start(), dataEnd / pageSize);
        return Optional.of(new Described(nsEnd, pfns,
                sb.mode() == PfnInfoBlock.MODE_PMEM ? pfns(meta.start(), meta.end()) : null));
    }

    /** {@code [start, end)} from figures read off the media; inverted ones are empty (and so ignored). */
    private static Range pfns(long start, long end) {
        return new Range(start, Math.max(start, end));
    }

    private static long endOf(List<Range> pmemLoads, long start) {
        for (Range l : pmemLoads) {
            if (l.contains(start)) {
                return l.end();
            }
        }
        throw new IllegalArgumentException("--pmem-infoblock: physical 0x" + Long.toHexString(start)
                + " is in no pmem PT_LOAD of the vmcore");
    }

    private static MemorySegment readFile(Path path) throws IOException {
        if (Files.exists(path) && ((int) Files.getAttribute(path, "unix:mode") & 0xf000) == 0x2000) {
            // device-dax (/dev/daxX.Y) cannot be read(2), only mapped, with its sysfs geometry.
            try (MappedImage m = DaxMapping.open(path, MappedImage.Access.READ_ONLY, System.err::println)) {
                return MemorySegment.ofArray(m.slice(PfnInfoBlock.NAMESPACE_OFFSET, INFO_BLOCK_SIZE, "pfn info block")
                        .toArray(ValueLayout.JAVA_BYTE));
            }
        }
        // FileChannel rather than a mapping: block devices report size 0 to a mapping.
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(INFO_BLOCK_SIZE);
            while (b.hasRemaining()) {
                int n = ch.read(b, PfnInfoBlock.NAMESPACE_OFFSET + b.position());
                if (n < 0) {
                    throw new EOFException(path + ": offset 0x" + Long.toHexString(PfnInfoBlock.NAMESPACE_OFFSET
                            + b.position()) + ": ends inside the pfn info block");
                }
            }
            return MemorySegment.ofArray(b.array());
        }
    }

    /** Bytes of one metadata range as read from the dump input, for the RFC's sha256 line. */
    public static String sha256(PhysicalMemory memory, Range r, long pageSize) throws CorruptInputException {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            byte[] page = new byte[(int) pageSize];
            for (long pfn = r.start(); pfn < r.end(); pfn++) {
                memory.read(pfn * pageSize, MemorySegment.ofArray(page));
                md.update(page);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
