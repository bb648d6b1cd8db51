package dev.pmemdump.pmem;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pmemdump.io.Bytes;
import dev.pmemdump.io.CorruptInputException;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Any bytes as a DIMM's label storage area: {@link LabelArea#open} gives the area (or null: no
 * index block) or a {@link CorruptInputException}; every slot of an opened area decodes.
 *
 * <p>The first input byte is a control byte: bit 0 re-seals both index blocks (as 128- or 256-byte
 * label areas by bit 1) and every 256-byte label, so that mutations reach past the checksums.
 */
class LabelAreaFuzzTest {

    @FuzzTest
    void labelArea(byte[] data) {
        if (data.length == 0) {
            return;
        }
        MemorySegment lsa = MemorySegment.ofArray(Arrays.copyOfRange(data, 1, data.length));
        if ((data[0] & 1) != 0) {
            reseal(lsa, (data[0] & 2) == 0 ? 128 : 256);
        }
        try {
            LabelArea area = LabelArea.open("fuzz.lsa", 0, lsa);
            if (area == null) {
                return;
            }
            area.liveLabels();
            for (long slot = 0; slot < area.slots(); slot++) {
                area.rawLabel(slot);
                area.isFree(slot);
            }
        } catch (CorruptInputException expected) {
            // a named error is a right answer to a corrupt label area
        }
    }

    private static void reseal(MemorySegment lsa, int labelSize) {
        long idx = LabelIndex.indexSizeFor(lsa.byteSize(), labelSize);
        if (idx == 0) {
            return;
        }
        for (int i = 0; i < 2; i++) {
            MemorySegment block = lsa.asSlice(i * idx, idx);
            block.set(Bytes.LE_U64, LabelIndex.OFF_CHECKSUM, Fletcher64.of(block, LabelIndex.OFF_CHECKSUM));
        }
        if (labelSize == 256) {
            for (long at = 2 * idx; at + labelSize <= lsa.byteSize(); at += labelSize) {
                MemorySegment label = lsa.asSlice(at, labelSize);
                label.set(Bytes.LE_U64, NamespaceLabel.OFF_CHECKSUM, Fletcher64.of(label, NamespaceLabel.OFF_CHECKSUM));
            }
        }
    }
}
