package dev.pmemdump.pmem;

import dev.pmemdump.io.Bytes;
import dev.pmemdump.io.CorruptInputException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The namespace label storage area of one DIMM (UEFI 2.7 label protocol as Linux implements it in
 * drivers/nvdimm/label.c). Nothing in it is updated in place: a label goes to a free slot, then
 * the non-current index block is rewritten with the next sequence number and becomes current.
 *
 * <pre>
 *   | nsindex0 | nsindex1 | label0 | label1 | ... | label(nslot-1) |
 *   index size = ALIGN(72 + nslot/8, 256); labels 128 B (v1.1) or 256 B (v1.2)
 * </pre>
 *
 * A slot that the current index marks free is not a label, whatever bytes it holds.
 */
public final class LabelArea {
    /** Label sizes in the order the kernel probes them. */
    private static final int[] LABEL_SIZES = {128, 256};

    private final String resource;
    private final long base;
    private final MemorySegment lsa;
    private final int labelSize;
    private final long indexSize;
    private final long nslot;
    private final LabelIndex[] index = new LabelIndex[2];
    private int current;
    private byte[] free;

    private LabelArea(String resource, long base, MemorySegment lsa, int labelSize, long indexSize) {
        this.resource = resource;
        this.base = base;
        this.lsa = lsa;
        this.labelSize = labelSize;
        this.indexSize = indexSize;
        this.nslot = LabelIndex.slotsFor(lsa.byteSize(), labelSize);
    }

    /**
     * Reads the label area at file offset {@code base}. Returns null when it holds no index block
     * at all (a label-less region, as the kernel treats it); throws when index blocks are present
     * but none is valid, naming each index block's first failed check.
     */
    public static LabelArea open(String resource, long base, MemorySegment lsa) throws CorruptInputException {
        long configSize = lsa.byteSize();
        for (int size : LABEL_SIZES) {
            long idx = LabelIndex.indexSizeFor(configSize, size);
            if (idx == 0 || 2 * idx > configSize) {
                continue;
            }
            String p0 = LabelIndex.problem(lsa.asSlice(0, idx), 0, idx, size, configSize);
            String p1 = LabelIndex.problem(lsa.asSlice(idx, idx), 1, idx, size, configSize);
            if (p0 != null && p1 != null) {
                continue;
            }
            LabelArea area = new LabelArea(resource, base, lsa, size, idx);
            area.index[0] = p0 == null ? LabelIndex.decode(lsa.asSlice(0, idx)) : null;
            area.index[1] = p1 == null ? LabelIndex.decode(lsa.asSlice(idx, idx)) : null;
            if (p0 == null && p1 == null) {
                int best = LabelIndex.bestSeq(area.index[0].seq(), area.index[1].seq());
                area.current = (area.index[1].seq() & LabelIndex.SEQ_MASK) == best ? 1 : 0;
            } else {
                area.current = p0 == null ? 0 : 1;
            }
            area.free = lsa.asSlice(area.current * idx + LabelIndex.OFF_FREE, idx - LabelIndex.OFF_FREE)
                    .toArray(ValueLayout.JAVA_BYTE);
            area.checkLiveLabels();
            return area;
        }
        if (!hasSignature(lsa, 0) && !hasSignature(lsa, 256)) {
            return null;
        }
        // Both copies are present and both broken: report them with the label size each declares.
        long at = hasSignature(lsa, 0) ? 0 : 256;
        if (configSize - at < LabelIndex.HEADER_SIZE) {
            throw new CorruptInputException(resource, base + at, "label area (0x" + Long.toHexString(configSize)
                    + " bytes) ends inside its index block header");
        }
        int declared = LabelIndex.decode(lsa.asSlice(at, Math.min(256, configSize - at))).declaredLabelSize();
        int size = declared == 256 ? 256 : 128;
        long idx = Math.max(LabelIndex.indexSizeFor(configSize, size), 256);
        if (2 * idx > configSize) {
            throw new CorruptInputException(resource, base, "label area (0x" + Long.toHexString(configSize)
                    + " bytes) too small to host two index blocks and two labels");
        }
        String p0 = LabelIndex.problem(lsa.asSlice(0, idx), 0, idx, size, configSize);
        String p1 = LabelIndex.problem(lsa.asSlice(idx, idx), 1, idx, size, configSize);
        throw new CorruptInputException(resource, base, "both label index blocks invalid: " + p0
                + "; " + p1 + " (index1 at offset 0x" + Long.toHexString(base + idx) + ")");
    }

    /**
     * Whether at least one index block is valid for some label size: what ndctl's check-labels
     * verifies (index blocks only; label checksums are not part of it).
     */
    public static boolean hasValidIndex(MemorySegment lsa) {
        long configSize = lsa.byteSize();
        for (int size : LABEL_SIZES) {
            long idx = LabelIndex.indexSizeFor(configSize, size);
            if (idx == 0 || 2 * idx > configSize) {
                continue;
            }
            if (LabelIndex.problem(lsa.asSlice(0, idx), 0, idx, size, configSize) == null
                    || LabelIndex.problem(lsa.asSlice(idx, idx), 1, idx, size, configSize) == null) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasSignature(MemorySegment lsa, long at) {
        return lsa.byteSize() >= at + 16
                && lsa.asSlice(at, 16).mismatch(MemorySegment.ofArray(LabelIndex.SIGNATURE)) == -1;
    }

    /**
     * Writes a fresh pair of index blocks, all slots free ({@code ndctl init-labels}): the area is
     * zeroed, index0 gets seq 3 and index1 seq 2, so index0 is current.
     */
    static void initialize(MediaWriter w, long base, long configSize, int labelSize) throws IOException {
        long idx = LabelIndex.indexSizeFor(configSize, labelSize);
        if (idx == 0) {
            throw new IllegalArgumentException("label area (" + configSize + ") too small to host ("
                    + labelSize + " byte) labels");
        }
        long nslot = LabelIndex.slotsFor(configSize, labelSize);
        byte[] free = new byte[(int) (idx - LabelIndex.OFF_FREE)];
        // As ndctl writes it: every bit up to the next multiple of 64 slots is set.
        java.util.Arrays.fill(free, 0, (int) (((nslot + 63) & ~63L) / 8), (byte) 0xff);
        w.zero(base, configSize);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = arena.allocate(idx);
            for (int i = 0; i < 2; i++) {
                LabelIndex.encode(block, i, 3 - i, idx, nslot, labelSize, free);
                w.write(base + i * idx, block);
            }
        }
    }

    private void checkLiveLabels() throws CorruptInputException {
        for (long slot = 0; slot < nslot; slot++) {
            if (isFree(slot)) {
                continue;
            }
            MemorySegment s = slotSegment(slot);
            String problem = NamespaceLabel.checksumProblem(s, labelSize);
            if (problem != null) {
                throw new CorruptInputException(resource, slotOffset(slot), "label slot " + slot + ": " + problem);
            }
            long stored = Bytes.u32(s.get(Bytes.LE_U32, NamespaceLabel.OFF_SLOT));
            if (stored != slot) {
                throw new CorruptInputException(resource, slotOffset(slot), "label slot " + slot
                        + " is in use but records slot " + stored);
            }
        }
    }

    public int labelSize() {
        return labelSize;
    }

    /** "1.1" or "1.2". */
    public String version() {
        return labelSize < 256 ? "1.1" : "1.2";
    }

    public long slots() {
        return nslot;
    }

    public long indexSize() {
        return indexSize;
    }

    /** The current index block number (0 or 1). */
    public int currentIndex() {
        return current;
    }

    public boolean isFree(long slot) {
        return (free[(int) (slot >>> 3)] & (1 << (slot & 7))) != 0;
    }

    /** Labels in slots the current index marks in use, in slot order. */
    public List<NamespaceLabel> liveLabels() {
        List<NamespaceLabel> out = new ArrayList<>();
        for (long slot = 0; slot < nslot; slot++) {
            if (!isFree(slot)) {
                out.add(NamespaceLabel.decode(slotSegment(slot), labelSize));
            }
        }
        return out;
    }

    /** The raw label in {@code slot}, live or not (read-labels shows stale ones too). */
    public NamespaceLabel rawLabel(long slot) {
        return NamespaceLabel.decode(slotSegment(slot), labelSize);
    }

    /** File offset of a slot. */
    public long slotOffset(long slot) {
        return base + 2 * indexSize + slot * labelSize;
    }

    private MemorySegment slotSegment(long slot) {
        return lsa.asSlice(2 * indexSize + slot * labelSize, labelSize);
    }

    /**
     * One atomic update ({@code __pmem_label_update} / {@code del_labels}): writes {@code label}
     * (if any) into the lowest free slot, marks {@code reap} slots free, then writes the other index
     * block with the next sequence number. Until that last write the old index stays current.
     * Returns the slot used, or -1.
     */
    long update(MediaWriter w, NamespaceLabel label, Collection<Long> reap) throws IOException {
        byte[] next = free.clone();
        long slot = -1;
        try (Arena arena = Arena.ofConfined()) {
            if (label != null) {
                for (long s = 0; s < nslot && slot < 0; s++) {
                    if (isFree(s)) {
                        slot = s;
                    }
                }
                if (slot < 0) {
                    throw new IOException(resource + ": no free label slot left (" + nslot + " slots)");
                }
                next[(int) (slot >>> 3)] &= (byte) ~(1 << (slot & 7));
                MemorySegment buf = arena.allocate(labelSize);
                label.withSlotAndFlags(slot, label.flags()).encode(buf, labelSize);
                w.write(slotOffset(slot), buf);
            }
            for (long r : reap) {
                next[(int) (r >>> 3)] |= (byte) (1 << (r & 7));
            }
            int target = 1 - current;
            int seq = LabelIndex.nextSeq(index[current].seq());
            MemorySegment block = arena.allocate(indexSize);
            LabelIndex.encode(block, target, seq, indexSize, nslot, labelSize, next);
            w.write(base + target * indexSize, block);
            index[target] = LabelIndex.decode(block);
            current = target;
            free = next;
        }
        return slot;
    }

    /** Slots whose live label carries {@code uuid}. */
    List<Long> slotsOf(java.util.UUID uuid) {
        List<Long> out = new ArrayList<>();
        for (long slot = 0; slot < nslot; slot++) {
            if (!isFree(slot) && NamespaceLabel.decode(slotSegment(slot), labelSize).uuid().equals(uuid)) {
                out.add(slot);
            }
        }
        return out;
    }
}
