package dev.pmemdump.filter.run;

import dev.pmemdump.testing.FixtureTest;
import dev.pmemdump.filter.kdump.PageCodec;
import dev.pmemdump.filter.level.PageCounter;
import dev.pmemdump.filter.request.DumpRequest;
import dev.pmemdump.filter.request.OutputFormat;
import dev.pmemdump.filter.result.FilterResult;
import dev.pmemdump.testing.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The filter called as a library, with a request and no command line, on the real 6.1 vmcore: its
 * typed result holds the figures makedumpfile 1.7.2 printed for the same run (matched by label), and
 * its -E -d 31 file is makedumpfile's recorded one.
 */
@FixtureTest
class FilterLibraryTest {
    private static final String DIR = "linux-6.1-qemu/kdump-file/host-analysis/";

    @TempDir
    static Path dir;
    static Path vmcore;

    @BeforeAll
    static void fixture() {
        vmcore = Fixtures.unzstd("linux-6.1-qemu/kdump-file/vmcore.raw.zst");
    }

    @ParameterizedTest
    @ValueSource(strings = {"E-d31", "E-d1", "l-d31"})
    void resultHoldsMakedumpfilesFigures(String run) throws IOException, NoSuchAlgorithmException {
        boolean elf = run.startsWith("E");
        int level = Integer.parseInt(run.substring(run.indexOf("-d") + 2));
        Path out = dir.resolve("library-" + run);
        FilterResult r = Filter.run(DumpRequest.of(vmcore, level, elf ? OutputFormat.ELF
                : OutputFormat.kdump(PageCodec.LZO), out), Console.silent());
        String report = Fixtures.text(DIR + "makedumpfile-" + run + ".txt");
        for (PageCounter c : PageCounter.values()) {
            if (c.upstream()) {
                assertEquals(printed(report, c.label()), r.counts().get(c), c.label());
            } else {
                assertEquals(0, r.counts().get(c), c.label());
            }
        }
        assertEquals(printed(report, "Original pages"), r.original());
        assertEquals(printed(report, "Memory Hole"), r.memoryHole());
        assertEquals(printed(report, "Total pages"), r.maxMapnr());
        assertEquals(elf, r.elfExcluded().isPresent());
        assertEquals(level, r.dumpLevel());
        assertEquals(List.of(out.toString()), r.outputs());
        assertTrue(r.metadataHashes().isEmpty() && r.map().isEmpty());
        assertEquals(Files.size(out) > 0, r.writeBytes() > 0);
        if (run.equals("E-d31")) {     // makedumpfile's -E -d 31 file is recorded; ours is byte-identical
            String recorded = Fixtures.text(DIR + "outputs-sha256.txt").lines()
                    .filter(l -> l.contains("vmcore." + run + ".elf")).findFirst().orElseThrow().split(" ")[0];
            assertEquals(recorded, sha256(out));
        }
    }

    /** The figure makedumpfile printed after {@code label}. */
    private static long printed(String report, String label) {
        Matcher m = Pattern.compile("^\\s*" + Pattern.quote(label) + "\\s*:\\s*0x([0-9a-f]+)$", Pattern.MULTILINE)
                .matcher(report);
        assertTrue(m.find(), label + " is not in the recorded report");
        return Long.parseLong(m.group(1), 16);
    }

    private static String sha256(Path p) throws IOException, NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
