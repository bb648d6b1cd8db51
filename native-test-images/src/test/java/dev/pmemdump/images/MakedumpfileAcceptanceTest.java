package dev.pmemdump.images;

import static org.junit.jupiter.api.Assertions.*;

import dev.pmemdump.io.Progress;
import dev.pmemdump.testing.Tools;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** Real makedumpfile 1.7.2 reads the built vmcore, and its -d 31 report equals the manifest. */
class MakedumpfileAcceptanceTest {
    @TempDir
    Path dir;

    static final List<String> LABELS = List.of("Pages filled with zero", "Non-private cache pages",
            "Private cache pages", "User process data pages", "Free pages");

    static Map<String, Long> reportCounts(String stdout) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String label : LABELS) {
            Matcher x = Pattern.compile(Pattern.quote(label) + "\\s*: 0x([0-9a-f]+)").matcher(stdout);
            assertTrue(x.find(), "no '" + label + "' in\n" + stdout);
            m.put(label, Long.parseLong(x.group(1), 16));
        }
        return m;
    }

    static Map<String, Long> expected(ExpectedReport.Counts c) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put(LABELS.get(0), c.zero());
        m.put(LABELS.get(1), c.nonPrivateCache());
        m.put(LABELS.get(2), c.privateCache());
        m.put(LABELS.get(3), c.user());
        m.put(LABELS.get(4), c.free());
        return m;
    }

    static Tools.Run makedumpfile(Path tool, Path vmcore, Path out, String... options) {
        List<String> cmd = new java.util.ArrayList<>(List.of(tool.toString()));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of("--message-level", "31", vmcore.toString(), out.toString()));
        return Tools.run(cmd, out.getParent(), 300);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void ramOnlyCountsMatchInKdumpAndElfOutput(long seed) throws Exception {
        Path tool = Tools.require("makedumpfile");
        Scenario s = FirstKernelTest.small(seed);
        Manifest m = ImageBuilder.build(s, dir.resolve("img"), Progress.silent());
        Path vmcore = dir.resolve("img").resolve(ImageBuilder.VMCORE);
        Tools.Run l = makedumpfile(tool, vmcore, dir.resolve("out.kdump"), "-l", "-d", "31").assertOk();
        assertEquals(expected(m.expectedReport().eachPfnOnce()), reportCounts(l.stdout()), l.stdout());
        Tools.Run e = makedumpfile(tool, vmcore, dir.resolve("out.elf"), "-E", "-d", "31").assertOk();
        assertEquals(expected(m.expectedReport().eachPfnOnce()), reportCounts(e.stdout()), e.stdout());
        // Many small cycles: the ELF writer counts the kernel-text PT_LOAD's pages a second time.
        Tools.Run c = makedumpfile(tool, vmcore, dir.resolve("out2.elf"), "-E", "-d", "31", "--cyclic-buffer", "1")
                .assertOk();
        assertEquals(expected(m.expectedReport().perLoad()), reportCounts(c.stdout()), c.stdout());
    }
}
