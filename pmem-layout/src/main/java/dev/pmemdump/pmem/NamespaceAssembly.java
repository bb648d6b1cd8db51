package dev.pmemdump.pmem;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.MappedImage;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Namespaces of a region as Linux instantiates them ({@code scan_labels}, {@code nd_pmem_probe}):
 * labels of this interleave set in DPA order, ids assigned in that order, each probed for a
 * btt, pfn or dax info block; or the one label-less namespace spanning the region.
 */
final class NamespaceAssembly {
    private final String resource;
    private final MappedImage image;
    private final RegionLayout layout;
    private final long size;

    NamespaceAssembly(String resource, MappedImage image, RegionLayout layout, long size) {
        this.resource = resource;
        this.image = image;
        this.layout = layout;
        this.size = size;
    }

    Namespace labelLess() throws IOException {
        MemorySegment seg = image.slice(0, size, "region");
        Namespace probed = probe("namespace0.0", 0, 0, size, Uuids.NULL, null, null, seg, 512);
        if (probed != null) {
            return probed;
        }
        if (layout.pageMap()) {
            return new Namespace("namespace0.0", 0, Mode.FSDAX, MapLocation.MEM, null, null, size, 0, size, 512, 0,
                    "", null, null, seg, null);
        }
        return new Namespace("namespace0.0", 0, Mode.RAW, null, null, null, size, 0, size, 512, 0, "", null, null,
                seg, null);
    }

    /** Live labels of {@code cookie}'s interleave set, checked, in DPA order, probed. */
    List<Namespace> fromLabels(LabelArea labels, long cookie) throws IOException {
        Map<UUID, Long> slotOf = new HashMap<>();
        List<NamespaceLabel> mine = new ArrayList<>();
        for (NamespaceLabel l : labels.liveLabels()) {
            long at = labels.slotOffset(l.slot());
            // Labels of another interleave set or blk labels are not this region's (kernel skips them).
            if (l.isetCookie() != cookie || (l.flags() & NamespaceLabel.FLAG_LOCAL) != 0) {
                continue;
            }
            if (l.nlabel() != 1 || l.position() != 0) {
                throw new CorruptInputException(resource, at + NamespaceLabel.OFF_NLABEL, "label slot " + l.slot()
                        + ": nlabel " + l.nlabel() + " position " + l.position() + " on a one-DIMM region");
            }
            if (l.rawSize() <= 0 || l.dpa() < 0 || l.rawSize() > size - l.dpa()) {
                throw new CorruptInputException(resource, at + NamespaceLabel.OFF_DPA, "label slot " + l.slot()
                        + ": extent dpa 0x" + Long.toHexString(l.dpa()) + " size 0x" + Long.toHexString(l.rawSize())
                        + " outside the region (0x" + Long.toHexString(size) + " bytes)");
            }
            Long other = slotOf.put(l.uuid(), l.slot());
            if (other != null) {
                throw new CorruptInputException(resource, at, "label slot " + l.slot() + ": namespace " + l.uuid()
                        + " also has a live label in slot " + other);
            }
            mine.add(l);
        }
        mine.sort(Comparator.comparingLong(NamespaceLabel::dpa));
        for (int i = 1; i < mine.size(); i++) {
            NamespaceLabel a = mine.get(i - 1), b = mine.get(i);
            if (b.dpa() < a.dpa() + a.rawSize()) {
                throw new CorruptInputException(resource, labels.slotOffset(b.slot()) + NamespaceLabel.OFF_DPA,
                        "label slot " + b.slot() + " (dpa 0x" + Long.toHexString(b.dpa()) + ") overlaps label slot "
                                + a.slot() + " (dpa 0x" + Long.toHexString(a.dpa()) + " size 0x"
                                + Long.toHexString(a.rawSize()) + ")");
            }
        }
        List<Namespace> out = new ArrayList<>();
        for (int id = 0; id < mine.size(); id++) {
            NamespaceLabel l = mine.get(id);
            String dev = "namespace" + Region.REGION_ID + "." + id;
            MemorySegment seg = image.slice(l.dpa(), l.rawSize(), dev);
            long lba = l.lbaSize() == 0 ? 512 : l.lbaSize();
            Namespace n = probe(dev, id, l.dpa(), l.rawSize(), l.uuid(), l, l.abstractionGuid(), seg, lba);
            out.add(n != null ? n : new Namespace(dev, id, Mode.RAW, null, l.uuid(), l.uuid(), l.rawSize(), l.dpa(),
                    l.rawSize(), lba, 0, l.name(), null, l, seg, null));
        }
        return List.copyOf(out);
    }

    /**
     * The probe order of {@code nd_pmem_probe}: btt, then pfn, then dax; the label's claim class
     * (v1.2 abstraction GUID) narrows it. Null when no info block is present (raw).
     */
    private Namespace probe(String dev, int id, long off, long rawSize, UUID parent, NamespaceLabel label,
                            UUID claim, MemorySegment seg, long lbaSize) throws IOException {
        boolean any = claim == null || claim.equals(Uuids.NULL);
        UUID rawUuid = label == null ? null : label.uuid();
        String name = label == null ? "" : label.name();
        if (any || claim.equals(NamespaceLabel.BTT_GUID) || claim.equals(NamespaceLabel.BTT2_GUID)) {
            long first = NamespaceLabel.BTT2_GUID.equals(claim) ? BttInfoBlock.BTT2_OFFSET : BttInfoBlock.BTT1_OFFSET;
            Btt btt = Btt.open(resource, off, seg, first, parent);
            if (btt == null && any) {
                btt = Btt.open(resource, off, seg, BttInfoBlock.BTT2_OFFSET, parent);
            }
            if (btt != null) {
                BttInfoBlock ib = btt.arenas().get(0).info();
                return new Namespace(dev, id, Mode.SECTOR, null, ib.uuid(), rawUuid, btt.size(), off, rawSize,
                        btt.sectorSize(), 0, name, ib, label, seg, btt);
            }
        }
        if (rawSize < PfnInfoBlock.NAMESPACE_OFFSET + InfoBlock.SIZE) {
            return null;
        }
        long ibOff = off + PfnInfoBlock.NAMESPACE_OFFSET;
        MemorySegment block = seg.asSlice(PfnInfoBlock.NAMESPACE_OFFSET, InfoBlock.SIZE);
        long start = layout.physStart() + off;
        for (String sig : new String[] {PfnInfoBlock.PFN_SIG, PfnInfoBlock.DAX_SIG}) {
            boolean dax = sig.equals(PfnInfoBlock.DAX_SIG);
            if (!any && !claim.equals(dax ? NamespaceLabel.DAX_GUID : NamespaceLabel.PFN_GUID)) {
                continue;
            }
            PfnInfoBlock p = PfnInfoBlock.read(resource, ibOff, block, sig, parent, start, rawSize);
            if (p != null) {
                return new Namespace(dev, id, dax ? Mode.DEVDAX : Mode.FSDAX, MapLocation.ofPfnMode(p.mode()), p.uuid(),
                        rawUuid, p.dataSize(rawSize), off, rawSize, lbaSize, p.align(), name, p, label, seg, null);
            }
        }
        return null;
    }
}
