package dev.pmemdump.filter;

import dev.pmemdump.io.MappedImage;
import dev.pmemdump.testing.OracleTest;
import dev.pmemdump.testing.Tools;
import dev.pmemdump.vmcore.elf.ElfCore;
import dev.pmemdump.vmcore.elf.ProgramHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * --dump-dmesg with -F (the log text on standard output) and --partial-dmesg (the log since clear_seq)
 * against makedumpfile 1.7.2 on the real 6.1 vmcore, and on a copy whose clear_seq says "dmesg -c" ran.
 */
@OracleTest
class DmesgOptionsTest {
    @TempDir
    static Path dir;
    static final Path vmcore = RealMakedumpfile.vmcore();

    /** makedumpfile with its standard output in {@code stdout} (binary safe); its stderr returned. */
    static String theirs(Path stdout, String... args) {
        return RealMakedumpfile.runToFile(dir, stdout, args).stderr();
    }

    @Test
    void flattenedDmesgIsTheLogTextOnStandardOutput() throws IOException {
        Path log = dir.resolve("theirs-F.txt");
        String err = theirs(log, "--dump-dmesg", "-F", vmcore.toString());
        assertTrue(err.endsWith("\nThe dmesg log is saved to STDOUT.\n\nmakedumpfile Completed.\n"), err);
        WriteBytesTest.Run r = WriteBytesTest.pmemdump("--dump-dmesg", "-F", vmcore.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(log) > 10_000);
        assertArrayEquals(Files.readAllBytes(log), r.stdout());
        assertEquals(err, r.err()); // the kernel version notice and the closing lines, on standard error
    }

    @Test
    void partialDmesgStartsAtClearSeq() throws IOException {
        Path whole = dir.resolve("whole.txt");
        assertEquals(0, WriteBytesTest.pmemdump("--dump-dmesg", vmcore.toString(), whole.toString()).code());
        // as captured, nothing was cleared: the partial log is the whole log
        assertPartialSame(vmcore, "unpatched");
        assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(dir.resolve("ours-unpatched.txt")));

        Path cleared = dir.resolve("cleared.vmcore");
        Files.copy(vmcore, cleared);
        setClearSeq(cleared, 100);
        assertPartialSame(cleared, "cleared");
        long partial = Files.size(dir.resolve("ours-cleared.txt"));
        assertTrue(partial > 1000 && partial < Files.size(whole) - 1000, partial + " of " + Files.size(whole));
    }

    private static void assertPartialSame(Path core, String tag) throws IOException {
        Path theirs = dir.resolve("theirs-" + tag + ".txt");
        Path ours = dir.resolve("ours-" + tag + ".txt");
        Tools.run(List.of(Tools.require("makedumpfile").toString(), "--dump-dmesg", "--partial-dmesg", core.toString(),
                theirs.toString()), dir, 120).assertOk();
        WriteBytesTest.Run r = WriteBytesTest.pmemdump("--dump-dmesg", "--partial-dmesg", core.toString(),
                ours.toString());
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(Files.readAllBytes(theirs), Files.readAllBytes(ours), tag);
    }

    /** Writes {@code seq} into both latched values of the kernel's clear_seq, found through VMCOREINFO. */
    private static void setClearSeq(Path core, long seq) throws IOException {
        long symbol;
        long valOffset;
        List<ProgramHeader> loads;
        try (MappedImage img = MappedImage.open(core, MappedImage.Access.READ_ONLY)) {
            ElfCore elf = ElfCore.open(img);
            loads = elf.loads();
            byte[] note = elf.data(elf.noteHeaders().get(0)).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            String notes = new String(note, StandardCharsets.ISO_8859_1);
            symbol = Long.parseUnsignedLong(find(notes, "SYMBOL\\(clear_seq\\)=([0-9a-f]+)"), 16);
            valOffset = Long.parseLong(find(notes, "OFFSET\\(latched_seq\\.val\\)=([0-9]+)"));
        }
        try (FileChannel ch = FileChannel.open(core, StandardOpenOption.WRITE)) {
            for (int i = 0; i < 2; i++) {
                long va = symbol + valOffset + 8L * i;
                ProgramHeader text = loads.stream().filter(p -> Long.compareUnsigned(va, p.vaddr()) >= 0
                        && Long.compareUnsigned(va - p.vaddr(), p.filesz()) < 0).findFirst().orElseThrow();
                long pa = text.paddr() + (va - text.vaddr());
                // the kernel image's PT_LOAD and the direct map's both hold the page: patch every copy
                for (ProgramHeader ph : loads) {
                    if (pa >= ph.paddr() && pa - ph.paddr() < ph.filesz()) {
                        ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, seq),
                                ph.offset() + (pa - ph.paddr()));
                    }
                }
            }
        }
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex);
        return m.group(1);
    }
}
