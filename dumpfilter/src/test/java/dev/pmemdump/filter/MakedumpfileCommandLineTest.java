package dev.pmemdump.filter;

import dev.pmemdump.testing.OracleTest;
import dev.pmemdump.filter.cli.MakedumpfileArgs;
import dev.pmemdump.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * makedumpfile's command line, option by option, against the real makedumpfile 1.7.2: the same
 * exit status and the same words on the same stream (standard output, or standard error after -F). The
 * command lines carry --check-params (mkdumprd's check: nothing is read) or fail while parsing,
 * so no vmcore is needed; filter runs are compared elsewhere.
 */
@OracleTest
class MakedumpfileCommandLineTest {
    @TempDir
    static Path dir;

    static ElfInputAcceptanceTest.Run pmemdump(List<String> args) {
        return ElfInputAcceptanceTest.makedumpfile(args.toArray(String[]::new));
    }

    static Tools.Run makedumpfile(List<String> args) {
        String tool = Tools.require("makedumpfile").toString();
        List<String> command = new ArrayList<>(List.of(tool));
        command.addAll(args);
        Tools.Run r = Tools.run(command, dir, 30);
        // getopt names the program as it was called: as kdump scripts call it, from PATH
        return new Tools.Run(r.exitCode(), r.stdout(), r.stderr().replace(tool + ": ", "makedumpfile: "));
    }

    /** Command lines in makedumpfile's words; "''" is an empty argument. */
    static Stream<String> sameAsMakedumpfile() {
        String c = "--check-params ";
        return Stream.of(
                // what kdump setups run: mkdumprd's check, kdump-tools' defaults, dmesg
                c + "-l --message-level 7 -d 31 vmcore dumpfile", c + "-F -l -d 31 vmcore", c + "-F -c -d 31 vmcore",
                c + "--dump-dmesg vmcore dmesg", c + "-c -d 31 vmcore dumpfile",
                // -d as C's atoi reads it (issue: -d 0x1f is accepted, as 0)
                c + "-d 0x1f -c v d", c + "-d 31x -c v d", c + "-d x -c v d", c + "-d '' -c v d", c + "-d 1,,2 -c v d",
                c + "-d ' 3' -c v d", c + "-d 010 -c v d", c + "-d 4294967327 -c v d", c + "-d 64 -c v d",
                c + "-d -1 -c v d", c + "-d 99999999999 -c v d", c + "-d 1,64 -c v d", c + "-d 64,1 -d 31 v d",
                c + "-d 1,2,3,4,5,6,7,8,9 -c v d", "-d 64 -c v d", "-F -d 64 v",
                // --num-threads, --message-level: atoi, and where makedumpfile checks them
                c + "--num-threads 0 -c v d", c + "--num-threads x -c v d", c + "--num-threads -1 -c v d",
                c + "--num-threads 300 -c v d", c + "--num-threads 2 --split -c v a b",
                c + "--num-threads 2 -E v a", c + "--num-threads 0 -E v a", c + "--num-threads 2 -F -c v",
                c + "--message-level x -c v d", c + "--message-level 32 -c v d", c + "--message-level -1 -c v d",
                c + "--message-level 4294967303 -c v d", "--message-level 32 -c v d",
                // options that tune makedumpfile's memory: accepted
                c + "--cyclic-buffer 1024 -c v d", c + "--cyclic-buffer x -c v d", c + "--work-dir /nonexistent -c v d",
                c + "--non-mmap -c v d", c + "-b 3 -c v d", c + "-b x -c v d", c + "--splitblock-size 4096 --split -c v a b",
                c + "--splitblock-size x -c v d",
                // -L SIZE
                c + "-c -L 1M v d", c + "-c -L 1k v d", c + "-c -L 1E v d", c + "-c -L 100 v d", c + "-c -L 0x10 v d",
                c + "-c -L -5 v d", c + "-c -L ' 5' v d", c + "-c -L 1KB v d", c + "-c -L '5 ' v d", c + "-c -L '' v d",
                c + "-c -L 0 v d", c + "-c -L 1.5M v d", c + "-c -L -0 v d", c + "-c -L 99999999999999999999999 v d",
                c + "--dump-dmesg -L 100 v d", "-c -L 0 v d",
                // modes and their operands
                c + "--partial-dmesg --dump-dmesg v log", c + "--partial-dmesg -c v a", c + "--dump-dmesg v",
                c + "--dump-dmesg v a b", c + "--dump-dmesg -F v", c + "--dump-dmesg -E -c v a",
                c + "--dump-dmesg --mem-usage v a", c + "--mem-usage /proc/kcore", c + "--mem-usage a b",
                c + "--mem-usage a b c", c + "--mem-usage", c + "--mem-usage --split a b c",
                c + "--reassemble a b c", c + "--reassemble a", c + "--reassemble", c + "--reassemble -c a b",
                c + "--reassemble -d 31 a b", c + "--reassemble -d 0 a b", c + "--reassemble -F a b",
                c + "--reassemble --split a b", c + "--split --reassemble a b c", c + "--reassemble -R a",
                c + "-R a", c + "-R", c + "-R a b", c + "-R -d 31 a", c + "-R -d 0 a", c + "-R -d 31,0 a",
                c + "-R -d 0,31 a", c + "-R -c a", c + "-R -E a", c + "-R --reassemble a b", c + "-R --dump-dmesg v a",
                c + "--dry-run -c v", c + "--dry-run -c v d", c + "--dry-run -F v", c + "--dry-run --reassemble a b c",
                "--dry-run --reassemble a b c", c + "--dry-run --dump-dmesg v a", "--dry-run --dump-dmesg v a",
                c + "-c v a b", c + "-F -c v a", c + "-F --split -c v a b", c + "--split -c v a", c + "--split -c v a b",
                c + "--split -E v a b", c + "-c -E v a", c + "-l -c v a", c + "-c -p -z v a", c + "--show-stats -c v a",
                c + "-D -c v a", c + "-f -c v a",
                // getopt: abbreviations, grouping, permutation, errors
                c + "--s v a", c + "--spl v a", c + "--m 7 v a", c + "--d v a", c + "--num v a", c + "--check-params=1 v a",
                c + "-q v a", c + "-- -c v a", c + "v -c a", c + "- a", c + "-cd31 v a", c + "-cd v a",
                c + "--work-dir", c + "--vtop", "--check-params=x", "--foo --check-params -c v a", c + "--foo -c v a",
                c + "-x", c + "--debug -c v a", c + "--force -c v a", c + "--flatten v", c + "--elf-dumpfile v a",
                c + "-h --foo", "--foo -v", "-v -d 64", "-v -x", "-c v", "--foo a b");
    }

    @ParameterizedTest
    @MethodSource
    void sameAsMakedumpfile(String commandLine) {
        List<String> args = words(commandLine);
        Tools.Run real = makedumpfile(args);
        ElfInputAcceptanceTest.Run ours = pmemdump(args);
        assertEquals(real.exitCode(), ours.code(), commandLine + "\n" + ours.err());
        assertEquals(real.stdout(), ours.out(), commandLine);
        assertEquals(real.stderr(), ours.err(), commandLine);
    }

    @Test
    void versionNamesPmemdumpAndTheCodecs() {
        for (String cl : List.of("-v", "--check-params -v", "-v -c v d")) {
            Tools.Run real = makedumpfile(words(cl));
            ElfInputAcceptanceTest.Run ours = pmemdump(words(cl));
            assertEquals(real.exitCode(), ours.code());
            assertEquals(0, ours.code());
            List<String> theirs = real.stdout().lines().toList();
            List<String> mine = ours.out().lines().toList();
            assertEquals(theirs.size(), mine.size(), ours.out());
            assertTrue(theirs.get(0).startsWith("makedumpfile: version 1.7.2 ("), real.stdout());
            assertTrue(mine.get(0).startsWith("makedumpfile: version 1.7.2 (pmemdump "), ours.out());
            for (int i = 1; i < theirs.size(); i++) {
                assertEquals(theirs.get(i).split("\t")[0], mine.get(i).split("\t")[0]);
            }
            assertEquals(List.of("lzo\tenabled", "snappy\tenabled", "zstd\tenabled", ""), mine.subList(1, 5));
        }
    }

    @Test
    void helpExitsZeroAfterTheCommandLineIsRead() {
        for (String cl : List.of("-h", "--help", "-h x y", "-v -h", "--check-params -h")) {
            assertEquals(makedumpfile(words(cl)).exitCode(), pmemdump(words(cl)).code(), cl);
            assertTrue(pmemdump(words(cl)).out().startsWith("Usage:\n  pmemdump makedumpfile"), cl);
        }
    }

    /** What makedumpfile does with these, pmemdump does not: one line naming the option, status 1. */
    @ParameterizedTest
    @MethodSource
    void refusedOptionsAreNamed(String commandLine) {
        String option = commandLine.split(" ")[0];
        ElfInputAcceptanceTest.Run ours = pmemdump(words(commandLine + " -c v d"));
        assertEquals(1, ours.code());
        assertTrue(ours.err().startsWith("makedumpfile: " + option + " ("), ours.err());
        assertTrue(ours.err().endsWith(" is not supported by pmemdump\n"), ours.err());
        assertEquals(1, ours.err().lines().count(), ours.err());
        assertEquals("\nmakedumpfile Failed.\n", ours.out());
        ElfInputAcceptanceTest.Run checked = pmemdump(words("--check-params " + commandLine + " -c v d"));
        assertEquals(1, checked.code());
        assertEquals(1, checked.err().lines().count(), checked.err());
        // makedumpfile itself accepts the command line: the refusal is pmemdump's, and says so
        assertEquals(0, makedumpfile(words("--check-params " + commandLine + " -c v d")).exitCode());
    }

    static Stream<String> refusedOptionsAreNamed() {
        return Stream.of("-x vmlinux", "-i vmcoreinfo.txt", "--config filter.conf -x vmlinux", "--eppic macro.c", "-X",
                "-e --work-dir /tmp");
    }

    @Test
    void carriedValues() throws MakedumpfileArgs.InvalidCommandLine {
        MakedumpfileArgs a = MakedumpfileArgs.parse(words("-d 0x1f,31 --num-threads 300 -L 2K --splitblock-size 4096 "
                + "--cyclic-buffer 8 --work-dir /w --non-mmap -b 4 -c v a"));
        assertEquals(0, a.dumpLevel());
        assertEquals(List.of(0, 31), a.dumpLevels());
        assertEquals(300, a.numThreads());
        assertEquals(256, a.threads());
        assertEquals(2048, a.sizeLimit());
        assertEquals(4096L << 10, a.splitblockSize()); // makedumpfile reads KiB
        assertEquals(MakedumpfileArgs.DEFAULT_SPLITBLOCK_SIZE,
                MakedumpfileArgs.parse(words("--splitblock-size 0 v d")).splitblockSize());
        assertEquals(new MakedumpfileArgs.Tuning(8, "/w", true, 4), a.tuning());
        assertEquals(MakedumpfileArgs.Mode.CREATE, a.mode());
        assertEquals(-1L, MakedumpfileArgs.parse(words("-L 99999999999999999999 v d")).sizeLimit());
        assertEquals(-5L, MakedumpfileArgs.parse(words("-L -5 v d")).sizeLimit());
        assertEquals(1L << 60, MakedumpfileArgs.parse(words("-L 1e v d")).sizeLimit());
        assertEquals(MakedumpfileArgs.DEFAULT_SPLITBLOCK_SIZE, MakedumpfileArgs.parse(words("v d")).splitblockSize());
    }

    /** Splits on spaces; '' is an empty word and 'a b' one word with its blanks. */
    static List<String> words(String commandLine) {
        List<String> out = new ArrayList<>();
        var m = java.util.regex.Pattern.compile("'([^']*)'|(\\S+)").matcher(commandLine);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return out;
    }
}
