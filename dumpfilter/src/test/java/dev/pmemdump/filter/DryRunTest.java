package dev.pmemdump.filter;

import dev.pmemdump.testing.OracleTest;
import dev.pmemdump.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * --dry-run against makedumpfile 1.7.2 on the real 6.1 vmcore: the run and its messages as usual ("The
 * dumpfile is saved to ..." included), the same "Write bytes", but no file and nothing on standard output;
 * an existing dumpfile is still refused.
 */
@OracleTest
class DryRunTest {
    @TempDir
    static Path dir;
    static final Path vmcore = RealMakedumpfile.vmcore();

    static Tools.Run theirs(List<String> args) {
        return RealMakedumpfile.run(dir, args);
    }

    static List<String> args(String options, String... files) {
        List<String> a = new ArrayList<>(List.of(options.split(" ")));
        a.add(vmcore.toString());
        a.addAll(List.of(files));
        return a;
    }

    /**
     * The lines both print at message level 31 that tell what was written (not -E's "Write bytes": makedumpfile
     * counts its program headers twice, see dumpfilter/USAGE.md).
     */
    static List<String> written(String out, boolean elf) {
        return out.lines().filter(l -> (!elf && l.startsWith("Write bytes")) || l.startsWith("The dumpfile")).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-c -d 31", "-l -d 1", "-E -d 31", "--split -c -d 31 --splitblock-size 16384"})
    void nothingIsWrittenAndTheReportIsTheSame(String options) {
        boolean split = options.startsWith("--split");
        String tag = options.replace(" ", "");
        String[] ours = split ? new String[] {dir.resolve("o1" + tag).toString(), dir.resolve("o2" + tag).toString()}
                : new String[] {dir.resolve("o" + tag).toString()};
        String[] their = split ? new String[] {dir.resolve("t1" + tag).toString(), dir.resolve("t2" + tag).toString()}
                : new String[] {dir.resolve("t" + tag).toString()};
        Tools.Run t = theirs(args("--dry-run --message-level 31 " + options, their)).assertOk();
        ElfInputAcceptanceTest.Run o = ElfInputAcceptanceTest.makedumpfile(args("--dry-run --message-level 31 "
                + options, ours).toArray(String[]::new));
        assertEquals(0, o.code(), o.err());
        for (String f : their) {
            assertFalse(Files.exists(Path.of(f)), f);
        }
        for (String f : ours) {
            assertFalse(Files.exists(Path.of(f)), f);
        }
        boolean elf = options.startsWith("-E");
        assertEquals(elf ? 1 : 2, written(o.out(), elf).size(), o.out());
        assertEquals(written(t.stdout(), elf).stream().map(l -> l.replace(dir + "/t", dir + "/o")).toList(),
                written(o.out(), elf));
        assertTrue(o.out().endsWith("\nmakedumpfile Completed.\n"), o.out());
    }

    @Test
    void flattenedDryRunPrintsNothingOnStandardOutput() {
        Tools.Run t = theirs(args("--dry-run -F -c -d 31")).assertOk();
        assertEquals("", t.stdout());
        WriteBytesTest.Run o = WriteBytesTest.pmemdump("--dry-run", "-F", "-c", "-d", "31", vmcore.toString());
        assertEquals(0, o.code(), o.err());
        assertEquals(0, o.stdout().length);
        assertTrue(o.err().endsWith("\nThe dumpfile is saved to STDOUT.\n\nmakedumpfile Completed.\n"), o.err());
    }

    @Test
    void anExistingDumpfileIsStillRefused() throws IOException {
        Path existing = Files.writeString(dir.resolve("existing"), "keep");
        assertEquals(1, theirs(args("--dry-run -c -d 31", existing.toString())).exitCode());
        ElfInputAcceptanceTest.Run o = ElfInputAcceptanceTest.makedumpfile(args("--dry-run -c -d 31",
                existing.toString()).toArray(String[]::new));
        assertEquals(1, o.code());
        assertTrue(o.err().startsWith("check_dump_file: Can't open the dump file (" + existing + "). File exists\n"),
                o.err());
        assertEquals("keep", Files.readString(existing));
    }
}
