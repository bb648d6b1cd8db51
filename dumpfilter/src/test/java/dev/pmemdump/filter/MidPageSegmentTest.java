package dev.pmemdump.filter;

import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.OracleTest;
import dev.pmemdump.testing.Tools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A kexec_load vmcore: kexec-tools' first RAM segment is 0x1000-0x9fc00, ending inside pfn 0x9f.
 * makedumpfile 1.7.2 counts that page as a memory hole for kdump-compressed output and, for ELF
 * output, as a page of the segment left out "in ELF format" (p_filesz 0x9e000, p_memsz 0x9ec00).
 * The input is the real k3 kdump (Debian 6.1, kexec_load) with its pmem PT_LOAD dropped, so that
 * upstream makedumpfile's pmem behaviour (it dumps pmem as RAM) does not enter the comparison: every
 * count line equal and every dump byte-identical, -l, -c and -E at -d 0, 1 and 31.
 */
@OracleTest
class MidPageSegmentTest {
    @TempDir
    static Path dir;
    static Path vmcore;

    @BeforeAll
    static void ramOnlyKexecLoadVmcore() throws IOException {
        vmcore = dir.resolve("k3-ram.vmcore");
        Path full = Fixtures.unzstd("linux-6.1-qemu-pmem-kdump/k3-load-pfdev-nohole-192M/vmcore.raw.zst");
        byte[] head;
        try (InputStream in = Files.newInputStream(full)) {
            head = in.readNBytes(0x1000);
        }
        ByteBuffer h = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = h.getLong(0x20);
        int phentsize = Short.toUnsignedInt(h.getShort(0x36));
        int phnum = Short.toUnsignedInt(h.getShort(0x38));
        byte[][] kept = new byte[phnum][];
        int n = 0;
        long end = 0;
        boolean midPage = false;
        for (int i = 0; i < phnum; i++) {
            int at = (int) phoff + i * phentsize;
            boolean pmem = h.getInt(at) == 1 && (h.getInt(at + 4) & 0x10) != 0;
            if (!pmem) {
                byte[] ph = new byte[phentsize];
                System.arraycopy(head, at, ph, 0, phentsize);
                kept[n++] = ph;
                end = Math.max(end, h.getLong(at + 8) + h.getLong(at + 32));
                midPage |= h.getInt(at) == 1 && ((h.getLong(at + 24) + h.getLong(at + 40)) & 0xfff) != 0;
            }
        }
        assertTrue(n < phnum && midPage, "the fixture has a pmem PT_LOAD and a RAM one ending mid-page");
        for (int i = 0; i < phnum; i++) {
            byte[] ph = i < n ? kept[i] : new byte[phentsize];
            System.arraycopy(ph, 0, head, (int) phoff + i * phentsize, phentsize);
        }
        h.putShort(0x38, (short) n);
        try (InputStream in = Files.newInputStream(full); OutputStream out = Files.newOutputStream(vmcore)) {
            in.skipNBytes(head.length);
            out.write(head);
            byte[] buf = new byte[1 << 20];
            for (long left = end - head.length; left > 0; ) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, left));
                out.write(buf, 0, r);
                left -= r;
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-l -d 0", "-l -d 1", "-l -d 31", "-c -d 0", "-c -d 1", "-c -d 31",
            "-E -d 0", "-E -d 1", "-E -d 31"})
    void countsAndBytesEqualMakedumpfiles(String options) throws Exception {
        String name = options.replace(" ", "").replace("-", "");
        List<String> args = List.of(options.split(" "));
        Path theirs = dir.resolve("mdf-" + name);
        Path ours = dir.resolve("pmd-" + name);
        java.util.ArrayList<String> real = new java.util.ArrayList<>(args);
        real.addAll(List.of("--message-level", "23", vmcore.toString(), theirs.toString()));
        Tools.Run r = RealMakedumpfile.run(dir, real).assertOk();
        java.util.ArrayList<String> mine = new java.util.ArrayList<>(args);
        mine.addAll(List.of("--message-level", "23", vmcore.toString(), ours.toString()));
        ElfInputAcceptanceTest.Run p = ElfInputAcceptanceTest.makedumpfile(mine.toArray(String[]::new));
        assertEquals(0, p.code(), p.err());
        List<String> expected = ElfInputAcceptanceTest.counts(r.stdout() + r.stderr());
        assertEquals(options.startsWith("-E") ? 15 : 13, expected.size(), r.stdout());
        assertEquals(expected, ElfInputAcceptanceTest.counts(p.out()));
        assertEquals(sha256(theirs), sha256(ours), "the dumps are byte-identical");
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
