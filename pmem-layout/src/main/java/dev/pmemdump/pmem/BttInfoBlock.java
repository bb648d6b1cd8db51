package dev.pmemdump.pmem;

import dev.pmemdump.io.Bytes;
import dev.pmemdump.io.CorruptInputException;

import java.lang.foreign.MemorySegment;
import java.util.UUID;

/**
 * One BTT arena info block ({@code struct btt_sb}, drivers/nvdimm/btt.h). Offsets inside it are
 * relative to the arena's start (the block's own position). A copy sits at {@code info2off}.
 *
 * <pre>
 * 0x00 "BTT_ARENA_INFO"  0x10 uuid  0x20 parent_uuid  0x30 flags  0x34 version
 * 0x38 external_lbasize  0x3c external_nlba  0x40 internal_lbasize  0x44 internal_nlba
 * 0x48 nfree  0x4c infosize  0x50 nextoff  0x58 dataoff  0x60 mapoff  0x68 logoff  0x70 info2off
 * 0xff8 checksum
 * </pre>
 */
public record BttInfoBlock(UUID uuid, UUID parentUuid, int flags, int versionMajor, int versionMinor,
                           long externalLbaSize, long externalNlba, long internalLbaSize, long internalNlba,
                           long nfree, long infoSize, long nextOff, long dataOff, long mapOff, long logOff,
                           long info2Off) implements InfoBlock {

    public static final String SIG = "BTT_ARENA_INFO";
    /** BTT1 (v1.1 labels, label-less namespaces) starts at 4 KiB; BTT2 (v1.2 labels) at 0. */
    public static final long BTT1_OFFSET = 4096, BTT2_OFFSET = 0;
    public static final int FLAG_ERROR = 0x1;
    static final long OFF_EXT_LBASIZE = 0x38, OFF_EXT_NLBA = 0x3c, OFF_INT_LBASIZE = 0x40, OFF_INT_NLBA = 0x44,
            OFF_NFREE = 0x48, OFF_INFOSIZE = 0x4c, OFF_NEXTOFF = 0x50, OFF_DATAOFF = 0x58, OFF_MAPOFF = 0x60,
            OFF_LOGOFF = 0x68, OFF_INFO2OFF = 0x70;

    @Override
    public String signature() {
        return SIG;
    }

    /** Bytes this arena exports: external LBA count times external LBA size. */
    public long externalSize() {
        return externalNlba * externalLbaSize;
    }

    static BttInfoBlock decode(MemorySegment b) {
        return new BttInfoBlock(Uuids.readUuid(b, OFF_UUID), Uuids.readUuid(b, OFF_PARENT_UUID),
                b.get(Bytes.LE_U32, OFF_FLAGS), Bytes.u16(b.get(Bytes.LE_U16, OFF_VERSION_MAJOR)),
                Bytes.u16(b.get(Bytes.LE_U16, OFF_VERSION_MINOR)),
                Bytes.u32(b.get(Bytes.LE_U32, OFF_EXT_LBASIZE)), Bytes.u32(b.get(Bytes.LE_U32, OFF_EXT_NLBA)),
                Bytes.u32(b.get(Bytes.LE_U32, OFF_INT_LBASIZE)), Bytes.u32(b.get(Bytes.LE_U32, OFF_INT_NLBA)),
                Bytes.u32(b.get(Bytes.LE_U32, OFF_NFREE)), Bytes.u32(b.get(Bytes.LE_U32, OFF_INFOSIZE)),
                b.get(Bytes.LE_U64, OFF_NEXTOFF), b.get(Bytes.LE_U64, OFF_DATAOFF), b.get(Bytes.LE_U64, OFF_MAPOFF),
                b.get(Bytes.LE_U64, OFF_LOGOFF), b.get(Bytes.LE_U64, OFF_INFO2OFF));
    }

    void encode(MemorySegment b) {
        b.fill((byte) 0);
        InfoBlock.writeSignature(b, SIG);
        Uuids.writeUuid(b, OFF_UUID, uuid);
        Uuids.writeUuid(b, OFF_PARENT_UUID, parentUuid);
        b.set(Bytes.LE_U32, OFF_FLAGS, flags);
        b.set(Bytes.LE_U16, OFF_VERSION_MAJOR, (short) versionMajor);
        b.set(Bytes.LE_U16, OFF_VERSION_MINOR, (short) versionMinor);
        b.set(Bytes.LE_U32, OFF_EXT_LBASIZE, (int) externalLbaSize);
        b.set(Bytes.LE_U32, OFF_EXT_NLBA, (int) externalNlba);
        b.set(Bytes.LE_U32, OFF_INT_LBASIZE, (int) internalLbaSize);
        b.set(Bytes.LE_U32, OFF_INT_NLBA, (int) internalNlba);
        b.set(Bytes.LE_U32, OFF_NFREE, (int) nfree);
        b.set(Bytes.LE_U32, OFF_INFOSIZE, (int) infoSize);
        b.set(Bytes.LE_U64, OFF_NEXTOFF, nextOff);
        b.set(Bytes.LE_U64, OFF_DATAOFF, dataOff);
        b.set(Bytes.LE_U64, OFF_MAPOFF, mapOff);
        b.set(Bytes.LE_U64, OFF_LOGOFF, logOff);
        b.set(Bytes.LE_U64, OFF_INFO2OFF, info2Off);
        InfoBlock.seal(b);
    }

    /**
     * Validates an arena info block found at {@code fileOffset} for an arena of {@code arenaSize}
     * bytes: checksum, parent uuid, error flag and a geometry whose every area fits the arena.
     * Returns null when the signature is absent.
     */
    static BttInfoBlock read(String resource, long fileOffset, MemorySegment b, UUID parent, long arenaSize)
            throws CorruptInputException {
        if (!InfoBlock.hasSignature(b, SIG)) {
            return null;
        }
        InfoBlock.verifyChecksum(resource, fileOffset + OFF_CHECKSUM, b, "btt info block");
        BttInfoBlock ib = decode(b);
        if (!ib.parentUuid.equals(parent)) {
            throw new CorruptInputException(resource, fileOffset + OFF_PARENT_UUID, "btt info block parent_uuid "
                    + ib.parentUuid + " does not match namespace uuid " + parent);
        }
        if ((ib.flags & FLAG_ERROR) != 0) {
            throw new CorruptInputException(resource, fileOffset + OFF_FLAGS, "btt arena has its error flag set");
        }
        if (ib.externalLbaSize == 0 || ib.internalLbaSize < ib.externalLbaSize || ib.externalNlba > ib.internalNlba
                || ib.internalNlba - ib.externalNlba != ib.nfree) {
            throw new CorruptInputException(resource, fileOffset + OFF_EXT_LBASIZE, "btt info block geometry invalid"
                    + " (lbasize " + ib.externalLbaSize + "/" + ib.internalLbaSize + ", nlba " + ib.externalNlba
                    + "/" + ib.internalNlba + ", nfree " + ib.nfree + ")");
        }
        long limit = Math.min(arenaSize, ib.nextOff == 0 ? arenaSize : ib.nextOff);
        check(resource, fileOffset + OFF_DATAOFF, "dataoff", ib.dataOff,
                Math.multiplyHigh(ib.internalNlba, ib.internalLbaSize) == 0
                        ? ib.internalNlba * ib.internalLbaSize : -1, limit);
        check(resource, fileOffset + OFF_MAPOFF, "mapoff", ib.mapOff, ib.externalNlba * 4, limit);
        check(resource, fileOffset + OFF_LOGOFF, "logoff", ib.logOff, ib.nfree * 64, limit);
        check(resource, fileOffset + OFF_INFO2OFF, "info2off", ib.info2Off, SIZE, limit);
        return ib;
    }

    private static void check(String resource, long at, String field, long off, long len, long limit)
            throws CorruptInputException {
        if (len < 0 || off < 0 || len > limit - off) {
            throw new CorruptInputException(resource, at, "btt info block " + field + " 0x" + Long.toHexString(off)
                    + " (+0x" + Long.toHexString(len) + ") outside the arena (0x" + Long.toHexString(limit) + " bytes)");
        }
    }
}
