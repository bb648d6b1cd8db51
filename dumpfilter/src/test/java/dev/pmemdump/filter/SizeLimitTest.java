package dev.pmemdump.filter;

import dev.pmemdump.testing.OracleTest;
import dev.pmemdump.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * -L SIZE against makedumpfile 1.7.2 on the real 6.1 vmcore: the dump stops at SIZE bytes, stays, is
 * marked incomplete in its header (docs/dump-formats.md §3.2), and the run fails with the same messages.
 * With --split each part is limited on its own and all are marked; with -F the stream ends at SIZE.
 */
@OracleTest
class SizeLimitTest {
    @TempDir
    static Path dir;
    static final Path vmcore = RealMakedumpfile.vmcore();

    static Tools.Run theirs(List<String> args) {
        return RealMakedumpfile.run(dir, args);
    }

    static List<String> args(String options, Path out) {
        List<String> a = new ArrayList<>(List.of(options.split(" ")));
        a.add(vmcore.toString());
        a.add(out.toString());
        return a;
    }

    /** The incomplete flag: kdump status bit 0x8 at offset 424, ELF e_flags bit 1 at offset 48. */
    static int incomplete(Path dump, boolean elf) throws IOException {
        try (FileChannel ch = FileChannel.open(dump)) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(b, elf ? 48 : 424);
            return b.getInt(0) & (elf ? 1 : 8);
        }
    }

    @ParameterizedTest
    @CsvSource({"-c -d 31,5M", "-l -d 1,3M", "-E -d 31,7M"})
    void theDumpStopsAtTheLimitAndIsMarkedIncomplete(String options, String size) throws IOException {
        String tag = options.replace(" ", "") + size;
        boolean elf = options.startsWith("-E");
        Path theirs = dir.resolve("theirs" + tag);
        Path ours = dir.resolve("ours" + tag);
        Tools.Run t = theirs(args(options + " -L " + size, theirs));
        ElfInputAcceptanceTest.Run o = ElfInputAcceptanceTest.makedumpfile(args(options + " -L " + size, ours)
                .toArray(String[]::new));
        assertEquals(1, t.exitCode());
        assertEquals(1, o.code(), o.err());
        assertEquals(Files.size(theirs), Files.size(ours));
        assertEquals(incomplete(theirs, elf), incomplete(ours, elf));
        assertEquals(elf ? 1 : 8, incomplete(ours, elf));
        String limitLine = "Can't write the dump file(" + ours + "). Size limit(" + Files.size(ours) + ") reached.\n"
                + "This is an incomplete dumpfile, but might analyzable.\n";
        assertTrue(t.stdout().contains(limitLine.replace(ours.toString(), theirs.toString())), t.stdout());
        assertTrue(t.stdout().endsWith("\n" + limitLine.replace(ours.toString(), theirs.toString())
                + "\nmakedumpfile Failed.\n"), t.stdout());
        assertTrue(o.out().endsWith("\n" + limitLine + "\nmakedumpfile Failed.\n"), o.out());
        // the same headers (the incomplete flag included): the dumps differ only in which pages made it
        byte[] a = new byte[464];
        byte[] b = new byte[464];
        try (FileChannel ca = FileChannel.open(theirs); FileChannel cb = FileChannel.open(ours)) {
            ca.read(ByteBuffer.wrap(a), 0);
            cb.read(ByteBuffer.wrap(b), 0);
        }
        if (!elf) {
            assertArrayEquals(a, b);
        }
    }

    @Test
    void aLimitAboveTheDumpChangesNothing() throws IOException {
        Path theirs = dir.resolve("theirs-big");
        Path ours = dir.resolve("ours-big");
        theirs(args("-c -d 31 -L 1G", theirs)).assertOk();
        ElfInputAcceptanceTest.Run o = ElfInputAcceptanceTest.makedumpfile(args("-c -d 31 -L 1G", ours)
                .toArray(String[]::new));
        assertEquals(0, o.code(), o.err());
        assertArrayEquals(Files.readAllBytes(theirs), Files.readAllBytes(ours));
    }

    /**
     * Sorted lines: makedumpfile's --split children print in no fixed order. (Limits below a part's page data
     * are left out: makedumpfile then still flushes part of its page_desc buffer, which pmemdump does not,
     * for one file as for parts.)
     */
    static List<String> sortedLines(String text) {
        return text.lines().sorted().toList();
    }

    static byte[] head(Path file, int n) throws IOException {
        byte[] b = new byte[n];
        try (FileChannel ch = FileChannel.open(file)) {
            ch.read(ByteBuffer.wrap(b), 0);
        }
        return b;
    }

    @ParameterizedTest
    @CsvSource({"2M", "937000", "10K"})
    void splitPartsAreEachLimitedAndAllMarkedIncomplete(String size) throws IOException {
        List<Path> theirs = List.of(dir.resolve("ts1" + size), dir.resolve("ts2" + size), dir.resolve("ts3" + size));
        List<Path> ours = List.of(dir.resolve("os1" + size), dir.resolve("os2" + size), dir.resolve("os3" + size));
        List<String> t = new ArrayList<>(List.of("--message-level", "6", "-c", "-d", "31", "-L", size, "--split",
                vmcore.toString()));
        List<String> o = new ArrayList<>(t);
        theirs.forEach(p -> t.add(p.toString()));
        ours.forEach(p -> o.add(p.toString()));
        Tools.Run tr = theirs(t);
        ElfInputAcceptanceTest.Run or = ElfInputAcceptanceTest.makedumpfile(o.toArray(String[]::new));
        assertEquals(1, tr.exitCode(), tr.stderr());
        assertEquals(1, or.code(), or.err());
        for (int i = 0; i < 3; i++) {
            assertEquals(Files.size(theirs.get(i)), Files.size(ours.get(i)), ours.get(i).toString());
            assertEquals(8, incomplete(theirs.get(i), false));
            assertEquals(8, incomplete(ours.get(i), false), ours.get(i).toString());
            assertArrayEquals(head(theirs.get(i), 464), head(ours.get(i), 464), ours.get(i).toString());
        }
        String theirText = tr.stdout() + tr.stderr();
        for (int i = 0; i < 3; i++) {
            theirText = theirText.replace(theirs.get(i).toString(), ours.get(i).toString());
        }
        assertTrue(theirText.contains("Size limit("), theirText);
        assertEquals(sortedLines(theirText), sortedLines(or.out() + or.err()));
    }

    @ParameterizedTest
    @CsvSource({"-c -d 31,1M", "-c -d 31,10K", "-l -d 1,3000000", "-E -d 31,3M", "-c -d 31,100"})
    void aFlattenedStreamEndsAtTheLimit(String options, String size) throws IOException {
        Path theirs = dir.resolve("tF" + options.replace(" ", "") + size);
        String line = "'" + Tools.require("makedumpfile") + "' --message-level 6 " + options + " -L " + size + " -F '"
                + vmcore + "' > '" + theirs + "'";
        Tools.Run t = Tools.run(List.of("/bin/sh", "-c", line), dir, 300);
        List<String> args = new ArrayList<>(List.of("--message-level", "6"));
        args.addAll(List.of(options.split(" ")));
        args.addAll(List.of("-L", size, "-F", vmcore.toString()));
        WriteBytesTest.Run o = WriteBytesTest.pmemdump(args.toArray(String[]::new));
        assertEquals(1, t.exitCode());
        assertEquals(1, o.code(), o.err());
        assertEquals(Files.size(theirs), o.stdout().length);
        byte[] b = Files.readAllBytes(theirs);
        // the flat header, and for kdump the first record (disk_dump_header), are the same bytes (ELF records
        // come in another order)
        int same = Math.min(b.length, options.startsWith("-E") ? 4096 : 4096 + 16 + 464);
        assertArrayEquals(java.util.Arrays.copyOf(b, same), java.util.Arrays.copyOf(o.stdout(), same));
        assertTrue(t.stderr().contains("Can't write the dump file(STDOUT). Size limit("), t.stderr());
        assertEquals(t.stderr(), o.err());
        assertEquals("", o.out());
    }
}
