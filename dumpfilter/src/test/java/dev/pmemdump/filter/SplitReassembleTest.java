package dev.pmemdump.filter;

import dev.pmemdump.testing.OracleTest;
import dev.pmemdump.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * --split and --reassemble against makedumpfile 1.7.2 on the real 6.1 vmcore (docs/dump-formats.md §3.3):
 * the parts are cut on the same splitblocks and laid out the same way, so each tool reassembles the
 * other's parts into its own single-file dump, byte for byte.
 */
@OracleTest
class SplitReassembleTest {
    @TempDir
    static Path dir;
    static final Path vmcore = RealMakedumpfile.vmcore();

    static Tools.Run theirs(List<String> args) {
        return RealMakedumpfile.run(dir, args);
    }

    static List<String> names(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(dir.resolve(prefix + i).toString());
        }
        return out;
    }

    static List<String> args(String... head) {
        return new ArrayList<>(List.of(head));
    }

    /** splitblock KiB 0 = the default 1 GiB: one splitblock past max_mapnr, so the first part holds all. */
    @ParameterizedTest
    @CsvSource({"-c,31,16384,3", "-l,1,4,2", "-c,0,0,2", "-c,31,8192,4"})
    void partsAreMakedumpfilesAndReassembleToItsDump(String codec, String level, String kib, int n) throws IOException {
        String tag = codec + level + "-" + kib + "-";
        List<String> ours = names("ours" + tag, n);
        List<String> mine = args("--split", codec, "-d", level, "--splitblock-size", kib, vmcore.toString());
        mine.addAll(ours);
        ElfInputAcceptanceTest.Run r = ElfInputAcceptanceTest.makedumpfile(mine.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        List<String> theirParts = names("theirs" + tag, n);
        List<String> other = args("--split", codec, "-d", level, "--splitblock-size", kib, vmcore.toString());
        other.addAll(theirParts);
        theirs(other).assertOk();
        for (int i = 0; i < n; i++) {
            assertArrayEquals(Files.readAllBytes(Path.of(theirParts.get(i))), Files.readAllBytes(Path.of(ours.get(i))),
                    "part " + (i + 1));
        }
        Path whole = dir.resolve("whole" + tag);
        theirs(List.of(codec, "-d", level, vmcore.toString(), whole.toString())).assertOk();
        Path re = dir.resolve("reassembled" + tag);
        List<String> reassemble = args("--reassemble");
        reassemble.addAll(ours);
        reassemble.add(re.toString());
        theirs(reassemble).assertOk();
        assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(re));
    }

    @Test
    void splitblockSizeNotAMultipleOfThePageFails() {
        List<String> parts = names("unaligned", 2);
        List<String> a = args("--split", "-c", "-d", "31", "--splitblock-size", "3", vmcore.toString());
        a.addAll(parts);
        assertEquals(1, theirs(a).exitCode());
        ElfInputAcceptanceTest.Run r = ElfInputAcceptanceTest.makedumpfile(a.toArray(String[]::new));
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("check_splitblock_size: The splitblock size must be align to page_size."),
                r.err());
        assertTrue(r.out().endsWith("\nmakedumpfile Failed.\n"), r.out());
        parts.forEach(p -> assertFalse(Files.exists(Path.of(p)), p));
    }

    /** pmemdump --reassemble of makedumpfile's own parts, given in any order, is makedumpfile's plain dump. */
    @ParameterizedTest
    @CsvSource({"-c,31,16384,3", "-l,1,8192,4", "-c,0,4,2"})
    void ourReassemblyOfMakedumpfilesPartsIsItsDump(String codec, String level, String kib, int n) throws IOException {
        String tag = "re" + codec + level + "-" + kib + "-";
        List<String> theirParts = names("theirs" + tag, n);
        List<String> split = args("--split", codec, "-d", level, "--splitblock-size", kib, vmcore.toString());
        split.addAll(theirParts);
        theirs(split).assertOk();
        Path whole = dir.resolve("whole" + tag);
        theirs(List.of(codec, "-d", level, vmcore.toString(), whole.toString())).assertOk();
        Path re = dir.resolve("ours-reassembled" + tag);
        List<String> reassemble = args("--reassemble");
        reassemble.addAll(theirParts.reversed());
        reassemble.add(re.toString());
        ElfInputAcceptanceTest.Run r = ElfInputAcceptanceTest.makedumpfile(reassemble.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertEquals("\nThe dumpfile is saved to " + re + ".\n\nmakedumpfile Completed.\n", r.out());
        assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(re));
    }

    /** A missing part or a part of another dump: both tools fail (exit 1) and write nothing. */
    @Test
    void incompleteOrForeignPartsFail() {
        List<String> parts = names("bad", 3);
        List<String> split = args("--split", "-c", "-d", "31", "--splitblock-size", "16384", vmcore.toString());
        split.addAll(parts);
        theirs(split).assertOk();
        Path other = dir.resolve("other-level");
        theirs(List.of("--split", "-c", "-d", "1", "--splitblock-size", "16384", vmcore.toString(), other.toString(),
                dir.resolve("other-2").toString())).assertOk();
        for (List<String> given : List.of(List.of(parts.get(0), parts.get(2)), List.of(other.toString(), parts.get(1),
                parts.get(2)))) {
            Path out = dir.resolve("never" + given.size() + given.get(0).length());
            List<String> a = args("--reassemble");
            a.addAll(given);
            a.add(out.toString());
            assertEquals(1, theirs(a).exitCode(), given.toString());
            assertFalse(Files.exists(out));
            ElfInputAcceptanceTest.Run r = ElfInputAcceptanceTest.makedumpfile(a.toArray(String[]::new));
            assertEquals(1, r.code(), given.toString());
            assertTrue(r.err().contains("Invalid dumpfile(") || r.err().contains("There is not dumpfile corresponding"
                    + " to pfn 0x"), r.err());
            assertTrue(r.out().endsWith("\nmakedumpfile Failed.\n"), r.out());
            assertFalse(Files.exists(out));
        }
    }
}
