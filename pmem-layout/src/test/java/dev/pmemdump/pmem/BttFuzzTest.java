package dev.pmemdump.pmem;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pmemdump.io.CorruptInputException;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Any bytes as a sector-mode namespace: opening the BTT gives its arenas, null (no BTT) or a
 * {@link CorruptInputException}; every external block of an opened BTT maps or is a named error, and
 * {@link Btt#check} reports problems as text, never as an exception.
 *
 * <p>The first byte is a control byte: bit 0 re-seals the checksum of the arena info block at 4 KiB
 * (and takes its parent uuid as the namespace's) so that mutations reach the map and the log.
 */
class BttFuzzTest {
    private static final int MAX_BLOCKS = 4096;

    @FuzzTest
    void btt(byte[] data) {
        if (data.length == 0) {
            return;
        }
        byte[] nsBytes = Arrays.copyOfRange(data, 1, Math.max(data.length, 1 + 2 * (int) InfoBlock.SIZE));
        MemorySegment ns = MemorySegment.ofArray(nsBytes);
        MemorySegment info = ns.asSlice(BttInfoBlock.BTT1_OFFSET, InfoBlock.SIZE);
        if ((data[0] & 1) != 0) {
            InfoBlock.seal(info);
        }
        try {
            Btt btt = Btt.open("fuzz.ns", 0, ns, BttInfoBlock.BTT1_OFFSET,
                    Uuids.readUuid(info, InfoBlock.OFF_PARENT_UUID));
            if (btt == null) {
                return;
            }
            btt.check();
            long blocks = btt.size() / btt.sectorSize();
            for (long lba = 0; lba < Math.min(blocks, MAX_BLOCKS); lba++) {
                btt.block(lba);
            }
            btt.read(0, (int) Math.min(btt.size(), 2 * btt.sectorSize()));
            btt.firstArenaData();
        } catch (CorruptInputException expected) {
            // a named error is a right answer to corrupt metadata
        }
    }
}
