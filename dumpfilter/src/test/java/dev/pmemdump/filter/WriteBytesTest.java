package dev.pmemdump.filter;

import dev.pmemdump.filter.cli.MakedumpfileCommand;
import dev.pmemdump.testing.OracleTest;
import dev.pmemdump.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Write bytes" of kdump-compressed reports against makedumpfile 1.7.2 on the real 6.1 vmcore: the
 * bytes its write() calls wrote (docs/dump-formats.md §3.2), so the unwritten tails of the header
 * blocks and of both bitmaps do not count; with -F, every byte of the stream (docs/dump-formats.md §3.4).
 */
@OracleTest
class WriteBytesTest {
    @TempDir
    static Path dir;
    static final Path vmcore = RealMakedumpfile.vmcore();

    record Run(int code, byte[] stdout, String out, String err) {}

    static Run pmemdump(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        CommandLine cl = new CommandLine(new MakedumpfileCommand(new ByteArrayInputStream(new byte[0]), stdout));
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, stdout.toByteArray(), out.toString(), err.toString());
    }

    /** Runs the real makedumpfile, its stdout into {@code stdoutFile} (binary safe), its stderr returned. */
    static Tools.Run theirs(Path stdoutFile, String... args) {
        return RealMakedumpfile.runToFile(dir, stdoutFile, args);
    }

    static long writeBytes(String report) {
        return report.lines().filter(l -> l.startsWith("Write bytes     : "))
                .mapToLong(l -> Long.parseLong(l.substring(18).trim())).findFirst()
                .orElseThrow(() -> new AssertionError("no Write bytes in\n" + report));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-c", "-l"})
    void byteIdenticalFilesReportTheSameWriteBytes(String codec) throws IOException {
        Path ours = dir.resolve("ours" + codec);
        Path theirs = dir.resolve("theirs" + codec);
        Run r = pmemdump(codec, "-d", "31", "--message-level", "31", vmcore.toString(), ours.toString());
        assertEquals(0, r.code(), r.err());
        theirs(dir.resolve("theirs" + codec + ".out"), codec, "-d", "31", "--message-level", "31", vmcore.toString(),
                theirs.toString());
        String theirReport = Files.readString(dir.resolve("theirs" + codec + ".out"));
        assertArrayEquals(Files.readAllBytes(theirs), Files.readAllBytes(ours));
        assertEquals(writeBytes(theirReport), writeBytes(r.out()));
        // the rule itself: fewer than the file's bytes by the unwritten tails, 7692 bytes in this layout
        assertEquals(Files.size(ours) - 7692, writeBytes(r.out()));
    }

    /**
     * This makedumpfile build has neither snappy nor zstd and writes -p/-z dumps uncompressed; the unwritten
     * tails are the same whatever the codec, so ours must be the file size less makedumpfile's tails.
     */
    @ParameterizedTest
    @ValueSource(strings = {"-p", "-z"})
    void otherCodecsCountTheSameUnwrittenTails(String codec) throws IOException {
        Path plainOurs = dir.resolve("plain-ours" + codec);
        Path plainTheirs = dir.resolve("plain-theirs" + codec);
        Run plain = pmemdump("-d", "31", "--message-level", "31", vmcore.toString(), plainOurs.toString());
        assertEquals(0, plain.code(), plain.err());
        Path log = dir.resolve("theirs" + codec + ".out");
        theirs(log, codec, "-d", "31", "--message-level", "31", vmcore.toString(), plainTheirs.toString());
        String theirReport = Files.readString(log);
        assertTrue(theirReport.contains("doesn't support"), theirReport);
        assertArrayEquals(Files.readAllBytes(plainTheirs), Files.readAllBytes(plainOurs));
        long tails = Files.size(plainTheirs) - writeBytes(theirReport);
        assertEquals(writeBytes(theirReport), writeBytes(plain.out()));

        Path ours = dir.resolve("ours" + codec);
        Run r = pmemdump(codec, "-d", "31", "--message-level", "31", vmcore.toString(), ours.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(ours) < Files.size(plainOurs) / 2);
        assertEquals(Files.size(ours) - tails, writeBytes(r.out()));
    }

    /** With -F both count the whole stream: flat header, record headers, data and end marker. */
    @Test
    void flattenedStreamsCountEveryByteOfTheStream() throws IOException {
        Run r = pmemdump("-F", "-c", "-d", "31", "--message-level", "31", vmcore.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(r.stdout().length, writeBytes(r.err() + r.out()));
        Path stream = dir.resolve("theirs.flat");
        String err = theirs(stream, "-F", "-c", "-d", "31", "--message-level", "31", vmcore.toString()).stderr();
        assertEquals(Files.size(stream), writeBytes(err));
    }

    /** Refiltering a kdump-compressed dump, makedumpfile keeps its bitmaps in a file and writes their whole blocks. */
    @Test
    void refilteringCountsTheWholeBitmapBlocks() throws IOException {
        Path l31 = dir.resolve("l31-input");
        theirs(dir.resolve("l31.out"), "-l", "-d", "31", vmcore.toString(), l31.toString());
        Path theirs = dir.resolve("refiltered-theirs");
        Path log = dir.resolve("refiltered-theirs.out");
        theirs(log, "-c", "-d", "1", "--message-level", "31", l31.toString(), theirs.toString());
        Path ours = dir.resolve("refiltered-ours");
        Run r = pmemdump("-c", "-d", "1", "--message-level", "31", l31.toString(), ours.toString());
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(Files.readAllBytes(theirs), Files.readAllBytes(ours));
        assertEquals(writeBytes(Files.readString(log)), writeBytes(r.out()));
        assertEquals(Files.size(ours) - 7692 + 8, writeBytes(r.out()));
    }
}
