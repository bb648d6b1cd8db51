package dev.pmemdump.pmem;

import dev.pmemdump.io.Bytes;
import dev.pmemdump.io.CorruptInputException;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * What every nvdimm info block shares ({@code struct nd_gen_sb}, drivers/nvdimm/claim.c): 4096
 * bytes that start with a 16-byte signature, the personality uuid and the parent namespace uuid,
 * and end with a fletcher64 checksum over the whole block taken with the checksum field as zero.
 */
public sealed interface InfoBlock permits PfnInfoBlock, BttInfoBlock {
    long SIZE = 4096;
    long OFF_SIGNATURE = 0, OFF_UUID = 16, OFF_PARENT_UUID = 32, OFF_FLAGS = 48, OFF_VERSION_MAJOR = 52,
            OFF_VERSION_MINOR = 54, OFF_CHECKSUM = 4088;

    /** "NVDIMM_PFN_INFO", "NVDIMM_DAX_INFO" or "BTT_ARENA_INFO". */
    String signature();

    /** The personality's uuid (what ndctl lists as "uuid"). */
    UUID uuid();

    /** The host namespace's uuid; all zero for label-less namespaces. */
    UUID parentUuid();

    int versionMajor();

    int versionMinor();

    /** Whether {@code block} starts with {@code sig} (all 16 bytes, NUL included). */
    static boolean hasSignature(MemorySegment block, String sig) {
        byte[] b = new byte[16];
        byte[] s = sig.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, b, 0, s.length);
        return block.asSlice(0, 16).mismatch(MemorySegment.ofArray(b)) == -1;
    }

    static void writeSignature(MemorySegment block, String sig) {
        byte[] s = sig.getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(MemorySegment.ofArray(s), 0, block, 0, s.length);
    }

    /** {@code nd_sb_checksum}. */
    static long checksum(MemorySegment block) {
        return Fletcher64.of(block, OFF_CHECKSUM);
    }

    static void seal(MemorySegment block) {
        block.set(Bytes.LE_U64, OFF_CHECKSUM, checksum(block));
    }

    /** Throws unless the stored checksum matches; {@code fileOffset} is where the block sits. */
    static void verifyChecksum(String resource, long fileOffset, MemorySegment block, String what)
            throws CorruptInputException {
        long stored = block.get(Bytes.LE_U64, OFF_CHECKSUM);
        long computed = checksum(block);
        if (stored != computed) {
            throw new CorruptInputException(resource, fileOffset, what + " checksum mismatch (stored 0x"
                    + Long.toHexString(stored) + ", computed 0x" + Long.toHexString(computed) + ")");
        }
    }
}
