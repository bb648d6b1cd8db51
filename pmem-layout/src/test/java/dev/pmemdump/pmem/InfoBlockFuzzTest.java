package dev.pmemdump.pmem;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pmemdump.io.Bytes;
import dev.pmemdump.io.CorruptInputException;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.UUID;

/**
 * Any 4 KiB block as a pfn, dax or BTT arena info block of a namespace: validation gives the block,
 * null (not this personality) or a {@link CorruptInputException}, never another exception.
 *
 * <p>Input: a control byte (bit 0 re-seals the checksum, bit 1 makes the parent uuid the block's own
 * so the checks past the parent are reached, bits 2-3 pick pfn, dax or btt), the namespace start and
 * size (two little-endian u64), then the block (zero-padded or cut to 4 KiB).
 */
class InfoBlockFuzzTest {

    @FuzzTest
    void infoBlock(byte[] data) {
        if (data.length < 17) {
            return;
        }
        MemorySegment in = MemorySegment.ofArray(data);
        int control = data[0];
        long start = in.get(Bytes.LE_U64, 1);
        long size = in.get(Bytes.LE_U64, 9);
        MemorySegment b = MemorySegment.ofArray(Arrays.copyOf(Arrays.copyOfRange(data, 17, data.length),
                (int) InfoBlock.SIZE));
        if ((control & 1) != 0) {
            InfoBlock.seal(b);
        }
        UUID parent = (control & 2) != 0 ? Uuids.readUuid(b, InfoBlock.OFF_PARENT_UUID) : new UUID(0, 0);
        try {
            switch ((control >> 2) & 3) {
                case 0 -> PfnInfoBlock.read("fuzz.ns", 0, b, PfnInfoBlock.PFN_SIG, parent, start, size);
                case 1 -> PfnInfoBlock.read("fuzz.ns", 0, b, PfnInfoBlock.DAX_SIG, parent, start, size);
                default -> BttInfoBlock.read("fuzz.ns", 0, b, parent, size);
            }
        } catch (CorruptInputException expected) {
            // a named error is a right answer to a corrupt block
        }
    }
}
