package dev.pmemdump.images;

import static org.junit.jupiter.api.Assertions.*;

import dev.pmemdump.vmcore.iomem.Iomem;
import dev.pmemdump.vmcore.iomem.Resource;
import dev.pmemdump.testing.UnitTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@UnitTest
class ScenarioTest {
    @TempDir
    Path dir;

    private IllegalArgumentException rejected(String from, String to) throws Exception {
        Path f = dir.resolve("s.json");
        Files.writeString(f, Scenario.defaultScenario().toJson().replace(from, to));
        return assertThrows(IllegalArgumentException.class, () -> Scenario.read(f));
    }

    @Test
    void badFieldsAreNamedWithTheFile() throws Exception {
        assertTrue(rejected("\"cpus\" : 2", "\"cpus\" : 0").getMessage().matches(".*s\\.json: cpus must be 1\\.\\.64.*"));
        assertTrue(rejected("\"0x6600000\"", "\"0x6610000\"").getMessage().contains("kernelPhys must be 2 MiB aligned"));
        assertTrue(rejected("\"0x24000000\"", "\"0x24100000\"").getMessage().contains("crashkernel must be 16 MiB aligned"));
        assertTrue(rejected("\"mode\" : \"devdax\"", "\"mode\" : \"sector-ish\"").getMessage().contains("mode must be"));
        assertTrue(rejected("\"512M\"", "\"128M\"").getMessage().contains("exceed its size"));
        assertTrue(rejected("\"anon\" : 0.2", "\"anon\" : 0.9").getMessage().contains("pageMix"));
        assertTrue(rejected("{", "[").getMessage().contains("not a scenario"));
    }

    @Test
    void iomemOfTheDefaultScenarioReadsBackWithTheLoadPlanParser() throws Exception {
        Scenario s = Scenario.defaultScenario();
        List<IomemText.Entry> pmem = List.of(
                new IomemText.Entry(0x100000000L, 0x107ffffffL, 1, "namespace0.0"));
        String text = IomemText.format(IomemText.entries(s, List.of(pmem)));
        assertTrue(text.startsWith("00000000-00000fff : Reserved\n00001000-0009fbff : System RAM\n"), text);
        assertTrue(text.contains("\n  06600000-07401d31 : Kernel code\n"), text);
        assertTrue(text.contains("\n  24000000-2bffffff : Crash kernel\n"), text);
        assertTrue(text.contains("\n100000000-11fffffff : Persistent Memory\n  100000000-107ffffff : namespace0.0\n"), text);
        Iomem io = Iomem.parse("iomem", text);
        assertEquals(3, io.matching(Resource::isSystemRam).size());
        assertEquals(0x24000000L, io.named(Resource.CRASH_KERNEL).getFirst().start());
    }
}
