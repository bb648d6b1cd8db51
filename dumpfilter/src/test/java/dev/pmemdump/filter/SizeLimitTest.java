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
        assertTrue(o.out().endsWith("\n" + limitLine), o.out());
        assertTrue(o.err().endsWith("\nmakedumpfile Failed.\n"), o.err());
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
}
