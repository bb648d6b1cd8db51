package dev.pmemdump.pmem;

import dev.pmemdump.io.Bytes;

import java.lang.foreign.MemorySegment;
import java.util.UUID;

/**
 * The two byte orders of 16-byte identifiers on nvdimm media. Namespace and info-block uuids
 * ({@code uuid_t}) are stored in string order; the label type and abstraction GUIDs
 * ({@code guid_t}) are EFI mixed-endian: the first three groups little-endian.
 */
public final class Uuids {
    private Uuids() {}

    public static final UUID NULL = new UUID(0, 0);

    public static UUID readUuid(MemorySegment seg, long off) {
        return new UUID(seg.get(Bytes.BE_U64, off), seg.get(Bytes.BE_U64, off + 8));
    }

    public static void writeUuid(MemorySegment seg, long off, UUID u) {
        seg.set(Bytes.BE_U64, off, u.getMostSignificantBits());
        seg.set(Bytes.BE_U64, off + 8, u.getLeastSignificantBits());
    }

    /** Reads a mixed-endian GUID and returns it in its canonical (string) form. */
    public static UUID readGuid(MemorySegment seg, long off) {
        long msb = (Integer.toUnsignedLong(seg.get(Bytes.LE_U32, off)) << 32)
                | ((long) Bytes.u16(seg.get(Bytes.LE_U16, off + 4)) << 16)
                | Bytes.u16(seg.get(Bytes.LE_U16, off + 6));
        return new UUID(msb, seg.get(Bytes.BE_U64, off + 8));
    }

    public static void writeGuid(MemorySegment seg, long off, UUID g) {
        long msb = g.getMostSignificantBits();
        seg.set(Bytes.LE_U32, off, (int) (msb >>> 32));
        seg.set(Bytes.LE_U16, off + 4, (short) (msb >>> 16));
        seg.set(Bytes.LE_U16, off + 6, (short) msb);
        seg.set(Bytes.BE_U64, off + 8, g.getLeastSignificantBits());
    }

    /** The raw bytes of a mixed-endian GUID shown as if they were a string-order uuid (ndctl read-labels). */
    public static UUID guidAsStored(UUID guid) {
        MemorySegment tmp = MemorySegment.ofArray(new byte[16]);
        writeGuid(tmp, 0, guid);
        return readUuid(tmp, 0);
    }
}
