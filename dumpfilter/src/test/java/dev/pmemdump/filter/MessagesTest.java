package dev.pmemdump.filter;

import dev.pmemdump.testing.OracleTest;
import dev.pmemdump.testing.Tools;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Standard output against makedumpfile 1.7.2's on the real 6.1 vmcore (a kernel newer than it knows)
 * at message levels 1, 7 and 23: equal line for line, but for the differences dumpfilter/USAGE.md
 * names as deliberate (the two pmem report lines, one STEP line per phase, no "Cache hit" line, -E's
 * Write bytes).
 */
@OracleTest
class MessagesTest {
    @TempDir
    static Path dir;
    static final Path vmcore = RealMakedumpfile.vmcore();

    /** Output with the deliberate differences taken out and the output names made equal. */
    static String comparable(String out, String name, boolean elf) {
        return out.replace(name, "DUMPFILE").lines()
                .filter(l -> !l.startsWith("STEP [") && !l.startsWith("Cache hit: ") && !l.startsWith("    pmem ")
                        && !(elf && l.startsWith("Write bytes")))
                .collect(Collectors.joining("\n")).replaceAll("\n{3,}", "\n\n"); // the Cache hit line's blank lines
    }

    @ParameterizedTest
    @CsvSource({"-c -d 31,1", "-c -d 31,7", "-c -d 31,23", "-l -d 1,7", "-l -d 31,23", "-E -d 31,7", "-E -d 31,23",
            "--split -c -d 31 --splitblock-size 16384,7", "--dump-dmesg,7", "--dump-dmesg,23"})
    void standardOutputIsMakedumpfiles(String options, int level) {
        String tag = (options + level).replace(" ", "");
        boolean split = options.startsWith("--split");
        List<String> args = new ArrayList<>(List.of(options.split(" ")));
        args.addAll(List.of("--message-level", String.valueOf(level), vmcore.toString()));
        List<String> theirs = new ArrayList<>(args);
        List<String> ours = new ArrayList<>(args);
        for (int i = 1; i <= (split ? 2 : 1); i++) {
            theirs.add(dir.resolve("t" + i + tag).toString());
            ours.add(dir.resolve("o" + i + tag).toString());
        }
        Tools.Run t = RealMakedumpfile.run(dir, theirs).assertOk();
        ElfInputAcceptanceTest.Run o = ElfInputAcceptanceTest.makedumpfile(ours.toArray(String[]::new));
        assertEquals(0, o.code(), o.err());
        boolean elf = options.startsWith("-E");
        assertEquals(comparable(t.stdout(), dir.resolve("t").toString(), elf),
                comparable(o.out(), dir.resolve("o").toString(), elf));
        if (level == 7) {
            assertTrue(o.out().startsWith("The kernel version is not supported.\n"
                    + "The makedumpfile operation may be incomplete.\n"), o.out());
        }
        if (level == 23 && !options.startsWith("--dump-dmesg")) {
            assertTrue(o.out().contains("\nSTEP [Copying data               ] : "), o.out());
            assertTrue(t.stdout().contains("\nSTEP [Copying data               ] : "), t.stdout());
        }
    }
}
