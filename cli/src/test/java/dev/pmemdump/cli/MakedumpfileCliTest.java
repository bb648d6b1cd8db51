package dev.pmemdump.cli;

import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.Tools;
import dev.pmemdump.testing.OracleTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pmemdump makedumpfile} against the real makedumpfile 1.7.2: the same command lines give
 * the same exit codes, messages and files.
 */
@OracleTest
class MakedumpfileCliTest {
    @TempDir
    static Path dir;
    static Path l31;

    record Result(int code, String out, String err) {}

    static Result pmemdump(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void input() {
        Path mdf = Tools.require("makedumpfile");
        Path vmcore = Fixtures.unzstd("linux-6.1-qemu/kdump-file/vmcore.raw.zst");
        l31 = dir.resolve("l31.kdump");
        Tools.run(List.of(mdf.toString(), "-l", "-d", "31", vmcore.toString(), l31.toString()), dir, 120).assertOk();
    }

    @Test
    void unknownOptionFailsLikeMakedumpfile() {
        Tools.Run real = Tools.run(List.of(Tools.require("makedumpfile").toString(), "--foo", "a", "b"), dir, 30);
        Result ours = pmemdump("makedumpfile", "--foo", "a", "b");
        assertEquals(real.exitCode(), ours.code());
        assertEquals(1, ours.code());
        assertEquals("makedumpfile: unrecognized option '--foo'\n", ours.err());
        assertTrue(real.stderr().endsWith("unrecognized option '--foo'\n"), real.stderr());
        assertEquals(real.stdout(), ours.out());
        assertTrue(ours.out().contains("Commandline parameter is invalid.\n"), ours.out());
        assertTrue(ours.out().endsWith("\nmakedumpfile Failed.\n"), ours.out());
    }

    @Test
    void dumpLevelOutOfRange() {
        Result ours = pmemdump("makedumpfile", "-d", "64", "a", "b");
        assertEquals(1, ours.code());
        assertEquals("Dump_level(64) is invalid.\n\nmakedumpfile Failed.\n", ours.out());
        Tools.Run real = Tools.run(List.of(Tools.require("makedumpfile").toString(), "-d", "64", "a", "b"), dir, 30);
        assertEquals(1, real.exitCode());
        assertEquals(real.stdout(), ours.out());
    }

    @Test
    void refilterIsByteIdenticalAndReportsLikeMakedumpfile() throws IOException {
        Path theirs = dir.resolve("theirs-c1.kdump");
        Tools.Run real = Tools.run(List.of(Tools.require("makedumpfile").toString(), "-c", "-d", "1",
                "--message-level", "31", l31.toString(), theirs.toString()), dir, 120).assertOk();
        Path ours = dir.resolve("ours-c1.kdump");
        Result r = pmemdump("makedumpfile", "-cd1", "--message-level=31", l31.toString(), ours.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(sha256(theirs), sha256(ours));
        // a kdump input is classified again from its struct pages, as makedumpfile does
        for (String key : List.of("Original pages  :", "  Excluded pages   :", "    Pages filled with zero  :",
                "    Non-private cache pages :", "    Private cache pages     :", "    User process data pages :",
                "    Free pages              :", "  Remaining pages  :", "  (The number", "Memory Hole     :",
                "Total pages     :", "Write bytes     :")) {
            assertEquals(line(real.stdout(), key), line(r.out(), key));
        }
        assertTrue(r.out().endsWith("The dumpfile is saved to " + ours + ".\n\nmakedumpfile Completed.\n"), r.out());
    }

    @Test
    void flattenedThroughStdoutAndRearrange() throws IOException {
        Path flat = dir.resolve("out.flat");
        Path viaMdf = dir.resolve("rebuilt-by-mdf.kdump");
        Path direct = dir.resolve("direct.kdump");
        assertEquals(0, pmemdump("makedumpfile", "-l", "-d", "31", l31.toString(), direct.toString()).code());
        // -F writes binary to the process's standard output: run the launcher-free main in a JVM.
        Tools.Run f = Tools.run(List.of("sh", "-c", javaCommand() + " makedumpfile -F -l -d 31 " + l31 + " > " + flat),
                dir, 120);
        f.assertOk();
        assertTrue(f.stderr().contains("The dumpfile is saved to STDOUT."), f.stderr());
        Tools.run(List.of("sh", "-c", Tools.require("makedumpfile") + " -R " + viaMdf + " < " + flat), dir, 120)
                .assertOk();
        assertEquals(sha256(direct), sha256(viaMdf));
        Path viaUs = dir.resolve("rebuilt-by-us.kdump");
        Tools.run(List.of("sh", "-c", javaCommand() + " makedumpfile -R " + viaUs + " < " + flat), dir, 120).assertOk();
        assertEquals(sha256(direct), sha256(viaUs));
    }

    @Test
    void flattenedElfRebuildsToTheElfDump() throws IOException {
        Path vmcore = Fixtures.unzstd("linux-6.1-qemu/kdump-file/vmcore.raw.zst");
        Path elf = dir.resolve("direct.elf");
        assertEquals(0, pmemdump("makedumpfile", "-E", "-d", "31", vmcore.toString(), elf.toString()).code());
        Path flat = dir.resolve("elf.flat");
        Tools.run(List.of("sh", "-c", javaCommand() + " makedumpfile -F -E -d 31 " + vmcore + " > " + flat), dir, 120)
                .assertOk();
        Path rebuilt = dir.resolve("rebuilt.elf");
        Tools.run(List.of("sh", "-c", Tools.require("makedumpfile") + " -R " + rebuilt + " < " + flat), dir, 120)
                .assertOk();
        assertEquals(sha256(elf), sha256(rebuilt));
    }

    @Test
    void badInputLeavesNoDumpfile() throws IOException {
        Path out = dir.resolve("never.kdump");
        Result missing = pmemdump("makedumpfile", "-l", "-d", "31", dir.resolve("nothere").toString(), out.toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().startsWith(dir.resolve("nothere") + ": no such file\n"), missing.err());
        Path cut = dir.resolve("cut.kdump");
        try (InputStream in = Files.newInputStream(l31)) {
            Files.write(cut, in.readNBytes(0x2800));
        }
        Result truncated = pmemdump("makedumpfile", "-l", "-d", "31", cut.toString(), out.toString());
        assertEquals(1, truncated.code());
        assertTrue(truncated.err().startsWith(cut + ": offset 0x"), truncated.err());
        assertTrue(truncated.out().endsWith("\nmakedumpfile Failed.\n"), truncated.out());
        assertFalse(Files.exists(out));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".partial")));
        }
    }

    static String javaCommand() {
        String java = ProcessHandle.current().info().command().orElse("java");
        return java + " --enable-native-access=ALL-UNNAMED -cp " + System.getProperty("java.class.path")
                + " dev.pmemdump.cli.Main";
    }

    static String line(String text, String key) {
        return text.lines().filter(l -> l.startsWith(key)).findFirst().orElse("(no " + key + ")");
    }

    static String sha256(Path p) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
