package dev.pmemdump.vmcore.iomem;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pmemdump.io.CorruptInputException;

import java.nio.charset.StandardCharsets;

/**
 * Any text as /proc/iomem: the resource tree or a {@link CorruptInputException} naming the line,
 * never another exception; a parsed tree answers the load planner's questions.
 */
class IomemFuzzTest {

    @FuzzTest
    void iomem(byte[] data) {
        try {
            Iomem iomem = Iomem.parse("fuzz.iomem", new String(data, StandardCharsets.UTF_8));
            iomem.bootRamSize();
            iomem.named("System RAM");
            iomem.named("Persistent Memory");
            iomem.all();
        } catch (CorruptInputException expected) {
            // a named error is a right answer to a malformed line
        }
    }
}
