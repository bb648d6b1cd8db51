package dev.pmemdump.filter.pmem;

import dev.pmemdump.filter.pmem.PmemPolicy.PfnRange;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.loadplan.Iomem;
import dev.pmemdump.loadplan.Resource;
import dev.pmemdump.pmem.InfoBlock;
import dev.pmemdump.pmem.PfnInfoBlock;
import dev.pmemdump.pmem.Uuids;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.devm.DevmMemmapList;
import dev.pmemdump.vmcore.xlat.KernelMemory;
import dev.pmemdump.vmcore.xlat.PhysicalMemory;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
 * {@code Device Backed Vmemmap} entries of an iomem listing (the 2024 redesign).
 *
 * <p>Only info-block pages are read, never user data.
 */
public final class PmemMetadata {
    /** iomem name of the altmap region in the 2024 redesign. */
    public static final String DEVICE_BACKED_VMEMMAP = "Device Backed Vmemmap";
    /** pfn_sb.parent_uuid: after the 16-byte signature and the 16-byte uuid (pmem-formats.md). */
    private static final int PARENT_UUID_OFFSET = 32;
    private static final int INFO_BLOCK_SIZE = 4096;

    /** The ranges and which source gave them. */
    public record Found(String source, List<PfnRange> ranges) {}

    /** A namespace image or device and the physical address where the namespace starts. */
    public record InfoblockSource(Path path, long physicalStart) {}

    private PmemMetadata() {}

    /**
     * @param pmemLoads  physical {@code [start, end)} byte ranges of the pmem PT_LOADs
     * @param infoblocks {@code --pmem-infoblock} sources (may be empty)
     * @param iomem      an iomem listing, or null
     */
    public static Found find(VmcoreInfo vi, KernelMemory kernel, PhysicalMemory physical, List<long[]> pmemLoads,
                             List<InfoblockSource> infoblocks, Iomem iomem, long pageSize) throws IOException {
        Optional<List<DevmMemmapList.Entry>> devm = DevmMemmapList.restore(vi, kernel);
        if (devm.isPresent()) {
            List<PfnRange> r = new ArrayList<>();
            for (DevmMemmapList.Entry e : devm.get()) {
                r.add(new PfnRange(e.startPfn(), e.endPfn()));
            }
            return new Found("devm_memmap_vmcore list", r);
        }
        if (!infoblocks.isEmpty()) {
            List<PfnRange> r = new ArrayList<>();
            for (InfoblockSource s : infoblocks) {
                MemorySegment block = readFile(s.path());
                fromInfoBlock(s.path().toString(), PfnInfoBlock.NAMESPACE_OFFSET, block, s.physicalStart(),
                        endOf(pmemLoads, s.physicalStart()), pageSize).ifPresent(r::add);
            }
            return new Found("pmem info blocks (--pmem-infoblock)", r);
        }
        List<PfnRange> fromLoads = new ArrayList<>();
        for (long[] load : pmemLoads) {
            long at = load[0] + PfnInfoBlock.NAMESPACE_OFFSET;
            if (at + INFO_BLOCK_SIZE > load[1]) {
                continue;
            }
            MemorySegment block = MemorySegment.ofArray(physical.read(at, INFO_BLOCK_SIZE));
            fromInfoBlock(physical.name() + " (physical 0x" + Long.toHexString(at) + ")", at, block, load[0],
                    load[1], pageSize).ifPresent(fromLoads::add);
        }
        if (!fromLoads.isEmpty()) {
            return new Found("pmem info blocks in the pmem PT_LOADs", fromLoads);
        }
        if (iomem != null) {
            List<PfnRange> r = new ArrayList<>();
            for (Resource res : iomem.named(DEVICE_BACKED_VMEMMAP)) {
                r.add(new PfnRange(res.start() / pageSize, (res.end() + 1 + pageSize - 1) / pageSize));
            }
            if (!r.isEmpty()) {
                return new Found("Device Backed Vmemmap in " + iomem.source(), r);
            }
        }
        return new Found("none", List.of());
    }

    /**
     * The metadata pfns a pfn info block describes for a namespace at {@code start}: for memmap on
     * the device (PFN_MODE_PMEM) {@code [SUBSECTION_ALIGN_DOWN(PHYS_PFN(start + start_pad)),
     * + PHYS_PFN(dataoff))}; none for memmap in RAM or a raw namespace (no block).
     */
    static Optional<PfnRange> fromInfoBlock(String resource, long offset, MemorySegment block, long start, long end,
                                            long pageSize) throws CorruptInputException {
        String sig = InfoBlock.hasSignature(block, PfnInfoBlock.PFN_SIG) ? PfnInfoBlock.PFN_SIG
                : InfoBlock.hasSignature(block, PfnInfoBlock.DAX_SIG) ? PfnInfoBlock.DAX_SIG : null;
        if (sig == null) {
            return Optional.empty();
        }
        var parent = Uuids.readUuid(block, PARENT_UUID_OFFSET);
        PfnInfoBlock sb = PfnInfoBlock.read(resource, offset, block, sig, parent, start, end - start);
        if (sb.mode() != PfnInfoBlock.MODE_PMEM) {
            return Optional.empty();
        }
        long[] pfns = DevmMemmapList.memmapPfnRange(start, sb.startPad(), sb.dataOff());
        return Optional.of(new PfnRange(pfns[0], pfns[1]));
    }

    private static long endOf(List<long[]> pmemLoads, long start) {
        for (long[] l : pmemLoads) {
            if (start >= l[0] && start < l[1]) {
                return l[1];
            }
        }
        throw new IllegalArgumentException("--pmem-infoblock: physical 0x" + Long.toHexString(start)
                + " is in no pmem PT_LOAD of the vmcore");
    }

    private static MemorySegment readFile(Path path) throws IOException {
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
    public static String sha256(PhysicalMemory memory, PfnRange r, long pageSize) throws CorruptInputException {
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
