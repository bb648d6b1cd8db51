package dev.pmemdump.vmcore.elf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.vmcore.VmcoreInfoNote;
import dev.pmemdump.vmcore.dd.DeviceDumps;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Any bytes as one PT_NOTE segment (the first byte picks the byte order): parsed notes or a
 * {@link CorruptInputException}; what parses re-encodes to bytes that parse to the same notes.
 */
class NoteSegmentFuzzTest {

    @FuzzTest
    void noteSegment(byte[] data) {
        if (data.length == 0) {
            return;
        }
        ByteOrder order = (data[0] & 1) == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        NoteSegment parsed;
        try {
            parsed = NoteSegment.parse(MemorySegment.ofArray(data).asSlice(1), order, "fuzz.notes", 1);
        } catch (CorruptInputException expected) {
            return;
        }
        for (Note n : parsed.notes()) {
            if (VmcoreInfoNote.isVmcoreInfo(n)) {
                dev.pmemdump.vmcore.VmcoreInfo.parse(n.descriptor(), "fuzz.notes");
            }
            if (DeviceDumps.isDeviceDump(n)) {
                DeviceDumps.dumpName(n);
                DeviceDumps.data(n);
            }
        }
        byte[] encoded = NoteSegment.encode(parsed.notes(), order);
        try {
            NoteSegment again = NoteSegment.parse(MemorySegment.ofArray(encoded), order, "re-encoded", 0);
            assertArrayEquals(encoded, NoteSegment.encode(again.notes(), order), "notes change when re-encoded");
        } catch (CorruptInputException e) {
            throw new AssertionError("re-encoded notes do not parse: " + e.getMessage(), e);
        }
    }
}
