package dev.pmemdump.pmem;

import dev.pmemdump.io.Bytes;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * One namespace index block ({@code struct nd_namespace_index}, drivers/nvdimm/label.h): a 72-byte
 * header followed by the free-slot bitmap (bit set = slot free, little-endian bit order), padded
 * to a multiple of 256 bytes. The label storage area holds two of them; see {@link LabelArea}.
 *
 * <pre>
 *  0 sig[16] "NAMESPACE_INDEX\0"   16 flags[3]   19 labelsize (log2(size) - 7, v1.2+)
 * 20 seq (1,2,3 cycling)   24 myoff   32 mysize   40 otheroff   48 labeloff
 * 56 nslot   60 major   62 minor   64 checksum   72 free[]
 * </pre>
 */
public record LabelIndex(String signature, int labelSizeCode, int seq, long myoff, long mysize,
                         long otheroff, long labeloff, long nslot, int major, int minor, long checksum) {

    static final byte[] SIGNATURE = "NAMESPACE_INDEX\0".getBytes(StandardCharsets.US_ASCII);
    static final long OFF_SIG = 0, OFF_LABELSIZE = 19, OFF_SEQ = 20, OFF_MYOFF = 24, OFF_MYSIZE = 32,
            OFF_OTHEROFF = 40, OFF_LABELOFF = 48, OFF_NSLOT = 56, OFF_MAJOR = 60, OFF_MINOR = 62,
            OFF_CHECKSUM = 64, OFF_FREE = 72;
    static final long HEADER_SIZE = OFF_FREE;
    static final int NSINDEX_ALIGN = 256;
    static final int SEQ_MASK = 3;

    /** Decodes the header of an index block (no validation). */
    public static LabelIndex decode(MemorySegment block) {
        byte[] sig = block.asSlice(OFF_SIG, 16).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        int end = 0;
        while (end < sig.length && sig[end] != 0) {
            end++;
        }
        return new LabelIndex(new String(sig, 0, end, StandardCharsets.ISO_8859_1),
                Byte.toUnsignedInt(block.get(Bytes.U8, OFF_LABELSIZE)),
                block.get(Bytes.LE_U32, OFF_SEQ),
                block.get(Bytes.LE_U64, OFF_MYOFF), block.get(Bytes.LE_U64, OFF_MYSIZE),
                block.get(Bytes.LE_U64, OFF_OTHEROFF), block.get(Bytes.LE_U64, OFF_LABELOFF),
                Bytes.u32(block.get(Bytes.LE_U32, OFF_NSLOT)),
                Bytes.u16(block.get(Bytes.LE_U16, OFF_MAJOR)), Bytes.u16(block.get(Bytes.LE_U16, OFF_MINOR)),
                block.get(Bytes.LE_U64, OFF_CHECKSUM));
    }

    /** Label size this index declares: 128 before v1.2, else {@code 1 << (7 + labelsize)}; -1 if absurd. */
    public int declaredLabelSize() {
        if (major == 1 && minor < 2) {
            return 128;
        }
        // Range-check before shifting: only 128- and 256-byte labels exist.
        return labelSizeCode <= 1 ? 1 << (7 + labelSizeCode) : -1;
    }

    /** {@code __sizeof_namespace_index}: header plus bitmap, rounded up to 256 bytes. */
    static long sizeFor(long nslot) {
        return (HEADER_SIZE + (nslot + 7) / 8 + NSINDEX_ALIGN - 1) / NSINDEX_ALIGN * NSINDEX_ALIGN;
    }

    /** {@code nvdimm_num_label_slots}: slots left after two index blocks sized for the worst case. */
    static long slotsFor(long configSize, int labelSize) {
        long worst = configSize / labelSize;
        long indexSize = sizeFor(worst);
        return (configSize - 2 * indexSize) / labelSize;
    }

    /** {@code sizeof_namespace_index}, or 0 when the area cannot hold two index blocks and two labels. */
    public static long indexSizeFor(long configSize, int labelSize) {
        long nslot = slotsFor(configSize, labelSize);
        long space = configSize - nslot * labelSize;
        long size = sizeFor(nslot) * 2;
        return size <= space && nslot >= 2 ? size / 2 : 0;
    }

    /**
     * The kernel's per-index checks ({@code __nd_label_validate}) for index {@code i}, in its order;
     * returns the first failure as text, or null when the block is valid.
     */
    static String problem(MemorySegment block, int i, long indexSize, int labelSize, long configSize) {
        LabelIndex ix = decode(block);
        if (block.asSlice(0, 16).mismatch(MemorySegment.ofArray(SIGNATURE)) != -1) {
            return "nsindex" + i + " signature invalid";
        }
        if (ix.declaredLabelSize() != labelSize) {
            return "nsindex" + i + " labelsize " + ix.labelSizeCode + " invalid";
        }
        long sum = Fletcher64.of(block, OFF_CHECKSUM);
        if (sum != ix.checksum) {
            return "nsindex" + i + " checksum invalid (stored 0x" + Long.toHexString(ix.checksum)
                    + ", computed 0x" + Long.toHexString(sum) + ")";
        }
        if ((ix.seq & SEQ_MASK) == 0) {
            return "nsindex" + i + " sequence: 0x" + Integer.toHexString(ix.seq) + " invalid";
        }
        if (ix.myoff != i * indexSize) {
            return "nsindex" + i + " myoff: 0x" + Long.toHexString(ix.myoff) + " invalid";
        }
        if (ix.otheroff != (1 - i) * indexSize) {
            return "nsindex" + i + " otheroff: 0x" + Long.toHexString(ix.otheroff) + " invalid";
        }
        if (ix.labeloff != 2 * indexSize) {
            return "nsindex" + i + " labeloff: 0x" + Long.toHexString(ix.labeloff) + " invalid";
        }
        if (ix.mysize > indexSize || ix.mysize < HEADER_SIZE) {
            return "nsindex" + i + " mysize: 0x" + Long.toHexString(ix.mysize) + " invalid";
        }
        // nslot * labelsize computed without wrap: the kernel once did this in u32.
        if (ix.nslot > (configSize - 2 * indexSize) / labelSize) {
            return "nsindex" + i + " nslot: " + ix.nslot + " invalid, config_size: 0x" + Long.toHexString(configSize);
        }
        return null;
    }

    /** {@code nd_inc_seq}: the repeating sequence 1, 2, 3, 1, ... */
    static int nextSeq(int seq) {
        return switch (seq & SEQ_MASK) {
            case 1 -> 2;
            case 2 -> 3;
            case 3 -> 1;
            default -> 0;
        };
    }

    /** {@code best_seq}: the newer of two sequence numbers (ties go to {@code b}). */
    static int bestSeq(int a, int b) {
        a &= SEQ_MASK;
        b &= SEQ_MASK;
        if (a == 0 || a == b) {
            return b;
        } else if (b == 0) {
            return a;
        } else if (nextSeq(a) == b) {
            return b;
        }
        return a;
    }

    /**
     * Writes a complete index block into {@code block} ({@code nd_label_write_index}); the free
     * bitmap is copied from {@code free} (nslot bits, padded as the source had it).
     */
    static void encode(MemorySegment block, int i, int seq, long indexSize, long nslot, int labelSize,
                       byte[] free) {
        block.fill((byte) 0);
        MemorySegment.copy(MemorySegment.ofArray(SIGNATURE), 0, block, OFF_SIG, 16);
        block.set(Bytes.U8, OFF_LABELSIZE, (byte) (labelSize >> 8));
        block.set(Bytes.LE_U32, OFF_SEQ, seq);
        block.set(Bytes.LE_U64, OFF_MYOFF, i * indexSize);
        block.set(Bytes.LE_U64, OFF_MYSIZE, indexSize);
        block.set(Bytes.LE_U64, OFF_OTHEROFF, (1 - i) * indexSize);
        block.set(Bytes.LE_U64, OFF_LABELOFF, 2 * indexSize);
        block.set(Bytes.LE_U32, OFF_NSLOT, (int) nslot);
        block.set(Bytes.LE_U16, OFF_MAJOR, (short) 1);
        block.set(Bytes.LE_U16, OFF_MINOR, (short) (labelSize < 256 ? 1 : 2));
        MemorySegment.copy(MemorySegment.ofArray(free), 0, block, OFF_FREE, free.length);
        block.set(Bytes.LE_U64, OFF_CHECKSUM, Fletcher64.of(block, OFF_CHECKSUM));
    }
}
