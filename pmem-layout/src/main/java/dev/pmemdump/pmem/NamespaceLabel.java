package dev.pmemdump.pmem;

import dev.pmemdump.io.Bytes;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * One namespace label (EFI format, drivers/nvdimm/label.h): 128 bytes in v1.1, 256 bytes in v1.2
 * where the type and abstraction GUIDs and a fletcher64 checksum follow.
 *
 * <pre>
 *   0 uuid[16]  16 name[64]  80 flags  84 nlabel  86 position  88 isetcookie  96 lbasize
 * 104 dpa  112 rawsize  120 slot  | v1.2: 124 align  128 type_guid  144 abstraction_guid  248 checksum
 * </pre>
 */
public record NamespaceLabel(UUID uuid, String name, int flags, int nlabel, int position, long isetCookie,
                             long lbaSize, long dpa, long rawSize, long slot, int align, UUID typeGuid,
                             UUID abstractionGuid, long checksum) {

    public static final int FLAG_ROLABEL = 0x1, FLAG_LOCAL = 0x2, FLAG_BTT = 0x4, FLAG_UPDATING = 0x8;
    static final long OFF_UUID = 0, OFF_NAME = 16, NAME_LEN = 64, OFF_FLAGS = 80, OFF_NLABEL = 84,
            OFF_POSITION = 86, OFF_ISETCOOKIE = 88, OFF_LBASIZE = 96, OFF_DPA = 104, OFF_RAWSIZE = 112,
            OFF_SLOT = 120, OFF_ALIGN = 124, OFF_TYPE_GUID = 128, OFF_ABSTRACTION_GUID = 144, OFF_CHECKSUM = 248;

    /** NFIT SPA range type of persistent memory, stored as every pmem label's type GUID. */
    public static final UUID PMEM_TYPE_GUID = UUID.fromString("66f0d379-b4f3-4074-ac43-0d3318b78cdb");
    public static final UUID BTT_GUID = UUID.fromString("8aed63a2-29a2-4c66-8b12-f05d15d3922a");
    public static final UUID BTT2_GUID = UUID.fromString("18633bfc-1735-4217-8ac9-17239282d3f8");
    public static final UUID PFN_GUID = UUID.fromString("266400ba-fb9f-4677-bcb0-968f11d0d225");
    public static final UUID DAX_GUID = UUID.fromString("97a86d9c-3cdd-4eda-986f-5068b4f80088");

    /** Decodes a label of {@code labelSize} (128 or 256) bytes; no validation. */
    public static NamespaceLabel decode(MemorySegment s, int labelSize) {
        byte[] raw = s.asSlice(OFF_NAME, NAME_LEN).toArray(ValueLayout.JAVA_BYTE);
        int end = 0;
        while (end < raw.length && raw[end] != 0) {
            end++;
        }
        boolean v12 = labelSize >= 256;
        return new NamespaceLabel(Uuids.readUuid(s, OFF_UUID), new String(raw, 0, end, StandardCharsets.UTF_8),
                s.get(Bytes.LE_U32, OFF_FLAGS), Bytes.u16(s.get(Bytes.LE_U16, OFF_NLABEL)),
                Bytes.u16(s.get(Bytes.LE_U16, OFF_POSITION)), s.get(Bytes.LE_U64, OFF_ISETCOOKIE),
                s.get(Bytes.LE_U64, OFF_LBASIZE), s.get(Bytes.LE_U64, OFF_DPA), s.get(Bytes.LE_U64, OFF_RAWSIZE),
                Bytes.u32(s.get(Bytes.LE_U32, OFF_SLOT)),
                v12 ? Byte.toUnsignedInt(s.get(Bytes.U8, OFF_ALIGN)) : 0,
                v12 ? Uuids.readGuid(s, OFF_TYPE_GUID) : null,
                v12 ? Uuids.readGuid(s, OFF_ABSTRACTION_GUID) : null,
                v12 ? s.get(Bytes.LE_U64, OFF_CHECKSUM) : 0);
    }

    /** A new pmem label as {@code __pmem_label_update} fills it (slot assigned when written). */
    static NamespaceLabel forPmem(UUID uuid, String name, int flags, long cookie, long lbaSize, long dpa,
                                  long rawSize, UUID abstraction) {
        return new NamespaceLabel(uuid, name == null ? "" : name, flags, 1, 0, cookie, lbaSize, dpa, rawSize,
                0, 0, PMEM_TYPE_GUID, abstraction == null ? Uuids.NULL : abstraction, 0);
    }

    NamespaceLabel withSlotAndFlags(long newSlot, int newFlags) {
        return new NamespaceLabel(uuid, name, newFlags, nlabel, position, isetCookie, lbaSize, dpa, rawSize,
                newSlot, align, typeGuid, abstractionGuid, checksum);
    }

    /** Writes this label into {@code s} ({@code labelSize} bytes), computing the v1.2 checksum. */
    void encode(MemorySegment s, int labelSize) {
        s.fill((byte) 0);
        Uuids.writeUuid(s, OFF_UUID, uuid);
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length >= NAME_LEN) {
            throw new IllegalArgumentException("namespace name longer than " + (NAME_LEN - 1) + " bytes: " + name);
        }
        MemorySegment.copy(MemorySegment.ofArray(n), 0, s, OFF_NAME, n.length);
        s.set(Bytes.LE_U32, OFF_FLAGS, flags);
        s.set(Bytes.LE_U16, OFF_NLABEL, (short) nlabel);
        s.set(Bytes.LE_U16, OFF_POSITION, (short) position);
        s.set(Bytes.LE_U64, OFF_ISETCOOKIE, isetCookie);
        s.set(Bytes.LE_U64, OFF_LBASIZE, lbaSize);
        s.set(Bytes.LE_U64, OFF_DPA, dpa);
        s.set(Bytes.LE_U64, OFF_RAWSIZE, rawSize);
        s.set(Bytes.LE_U32, OFF_SLOT, (int) slot);
        if (labelSize >= 256) {
            s.set(Bytes.U8, OFF_ALIGN, (byte) align);
            Uuids.writeGuid(s, OFF_TYPE_GUID, typeGuid);
            Uuids.writeGuid(s, OFF_ABSTRACTION_GUID, abstractionGuid);
            s.set(Bytes.LE_U64, OFF_CHECKSUM, Fletcher64.of(s, OFF_CHECKSUM));
        }
    }

    /** The v1.2 checksum check; v1.1 labels have none. Null when fine. */
    static String checksumProblem(MemorySegment s, int labelSize) {
        if (labelSize < 256) {
            return null;
        }
        long stored = s.get(Bytes.LE_U64, OFF_CHECKSUM);
        long computed = Fletcher64.of(s, OFF_CHECKSUM);
        return stored == computed ? null : "label checksum mismatch (stored 0x" + Long.toHexString(stored)
                + ", computed 0x" + Long.toHexString(computed) + ")";
    }
}
