package dev.pmemdump.pmem;

import dev.pmemdump.io.Bytes;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An info block's fields as stored, unvalidated, the way {@code ndctl read-infoblock} reports them:
 * what a namespace's first 8 KiB hold is shown even when the kernel would reject it. {@link #scan}
 * finds the blocks in ndctl's order.
 *
 * @param signature  "BTT_ARENA_INFO", "NVDIMM_PFN_INFO" or "NVDIMM_DAX_INFO"
 * @param checksumOk whether the stored Fletcher-64 checksum matches (ndctl's {@code --verify})
 * @param fields     the block's own fields after the common header, in ndctl's order
 */
public record InfoBlockDump(String signature, UUID uuid, UUID parentUuid, long flags, String version,
                            List<Field> fields, boolean checksumOk) {

    /** How ndctl prints a field: a 32-bit signed JSON integer, or a number that {@code --human} shows in hex. */
    public enum Kind { INT, HEX }

    public record Field(String name, long value, Kind kind) {}

    /** Bytes ndctl reads from a namespace or file for read-infoblock. */
    public static final int READ_SIZE = 8192;
    private static final long BLOCK = 4096;

    /**
     * The info blocks in {@code first8k}: a BTT at 4 KiB (v1.1 labels), a BTT at 0 (v1.2), a pfn
     * block and a dax block at 4 KiB. A block whose version does not print in 3 characters is
     * skipped, as ndctl skips it.
     */
    public static List<InfoBlockDump> scan(MemorySegment first8k) {
        MemorySegment at4k = first8k.asSlice(BLOCK, BLOCK);
        MemorySegment at0 = first8k.asSlice(0, BLOCK);
        List<InfoBlockDump> out = new ArrayList<>();
        for (MemorySegment b : List.of(at4k, at0)) {
            if (InfoBlock.hasSignature(b, BttInfoBlock.SIG)) {
                add(out, b, BttInfoBlock.SIG, bttFields(b));
            }
        }
        for (String sig : List.of(PfnInfoBlock.PFN_SIG, PfnInfoBlock.DAX_SIG)) {
            if (InfoBlock.hasSignature(at4k, sig)) {
                add(out, at4k, sig, pfnFields(at4k));
            }
        }
        return out;
    }

    private static void add(List<InfoBlockDump> out, MemorySegment b, String sig, List<Field> fields) {
        String version = Bytes.u16(b.get(Bytes.LE_U16, InfoBlock.OFF_VERSION_MAJOR)) + "."
                + Bytes.u16(b.get(Bytes.LE_U16, InfoBlock.OFF_VERSION_MINOR));
        if (version.length() >= 4) {
            return;
        }
        boolean ok = InfoBlock.checksum(b) == b.get(Bytes.LE_U64, InfoBlock.OFF_CHECKSUM);
        out.add(new InfoBlockDump(sig, Uuids.readUuid(b, InfoBlock.OFF_UUID), Uuids.readUuid(b, InfoBlock.OFF_PARENT_UUID),
                Bytes.u32(b.get(Bytes.LE_U32, InfoBlock.OFF_FLAGS)), version, fields, ok));
    }

    private static List<Field> bttFields(MemorySegment b) {
        return List.of(i32(b, "external_lbasize", BttInfoBlock.OFF_EXT_LBASIZE),
                i32(b, "external_nlba", BttInfoBlock.OFF_EXT_NLBA),
                i32(b, "internal_lbasize", BttInfoBlock.OFF_INT_LBASIZE),
                i32(b, "internal_nlba", BttInfoBlock.OFF_INT_NLBA),
                i32(b, "nfree", BttInfoBlock.OFF_NFREE),
                i32(b, "infosize", BttInfoBlock.OFF_INFOSIZE),
                hex64(b, "nextoff", BttInfoBlock.OFF_NEXTOFF),
                hex64(b, "dataoff", BttInfoBlock.OFF_DATAOFF),
                hex64(b, "mapoff", BttInfoBlock.OFF_MAPOFF),
                hex64(b, "logoff", BttInfoBlock.OFF_LOGOFF),
                hex64(b, "info2off", BttInfoBlock.OFF_INFO2OFF));
    }

    private static List<Field> pfnFields(MemorySegment b) {
        return List.of(hex64(b, "dataoff", PfnInfoBlock.OFF_DATAOFF),
                hex64(b, "npfns", PfnInfoBlock.OFF_NPFNS),
                i32(b, "mode", PfnInfoBlock.OFF_MODE),
                new Field("start_pad", Bytes.u32(b.get(Bytes.LE_U32, PfnInfoBlock.OFF_START_PAD)), Kind.HEX),
                new Field("end_trunc", Bytes.u32(b.get(Bytes.LE_U32, PfnInfoBlock.OFF_END_TRUNC)), Kind.HEX),
                new Field("align", Bytes.u32(b.get(Bytes.LE_U32, PfnInfoBlock.OFF_ALIGN)), Kind.HEX),
                new Field("page_size", Bytes.u32(b.get(Bytes.LE_U32, PfnInfoBlock.OFF_PAGE_SIZE)), Kind.HEX),
                new Field("page_struct_size", Bytes.u16(b.get(Bytes.LE_U16, PfnInfoBlock.OFF_PAGE_STRUCT_SIZE)),
                        Kind.HEX));
    }

    /** ndctl prints these with json_object_new_int: the stored 32 bits as a signed number. */
    private static Field i32(MemorySegment b, String name, long off) {
        return new Field(name, b.get(Bytes.LE_U32, off), Kind.INT);
    }

    private static Field hex64(MemorySegment b, String name, long off) {
        return new Field(name, b.get(Bytes.LE_U64, off), Kind.HEX);
    }
}
