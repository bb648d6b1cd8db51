package dev.pmemdump.filter;

import dev.pmemdump.testing.OracleTest;
import dev.pmemdump.filter.kdump.Lzo1x1Compressor;
import dev.pmemdump.filter.kdump.PageCodec;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code -l} is byte-identical to makedumpfile 1.7.2's (liblzo2's LZO1X-1), checked on the real 6.1
 * vmcore at -d 31 and -d 0, plus hand-worked streams and round trips through an independent
 * decompressor (aircompressor).
 */
@OracleTest
class LzoByteIdentityTest {

    @Test
    void lzoDumpIsMakedumpfilesByteForByte(@TempDir Path dir) throws Exception {
        Path vmcore = Fixtures.unzstd("linux-6.1-qemu/kdump-file/vmcore.raw.zst");
        for (String level : List.of("31", "0")) {
            Path ours = dir.resolve("ours-l" + level);
            Path theirs = dir.resolve("theirs-l" + level);
            assertEquals(0, ElfInputAcceptanceTest.makedumpfile("-l", "-d", level, vmcore.toString(),
                    ours.toString()).code());
            Tools.run(List.of(Tools.require("makedumpfile").toString(), "-l", "-d", level, vmcore.toString(),
                    theirs.toString()), dir, 300).assertOk();
            assertEquals(KdumpFormatTest.sha256(theirs), KdumpFormatTest.sha256(ours), "-l -d " + level);
        }
    }

    /**
     * A zero page by hand: 5 literals (count byte 5 - 3), at position 5 a match of the previous 5
     * bytes extended 8 at a time until the 20-byte tail (4076 bytes: M3 marker, 15 x 255 + 218,
     * distance 5 - 1 = 4 as 0x10 0x00), then the last 15 literals (15 - 3) and the end marker.
     */
    @Test
    void zeroPageByHand() {
        byte[] expected = new byte[44];
        int i = 0;
        expected[i++] = 2;
        i += 5;
        expected[i++] = 0x20;
        i += 15;
        expected[i++] = (byte) 0xda;
        expected[i++] = 0x10;
        expected[i++] = 0;
        expected[i++] = 12;
        i += 15;
        expected[i++] = 0x11;
        assertEquals(42, i);
        assertArrayEquals(expected, compress(new byte[4096]));
    }

    /** Inputs of at most 20 bytes are one literal run (17 + n) and the end marker. */
    @Test
    void shortInputIsOneLiteralRun() {
        assertArrayEquals(new byte[] {17 + 3, 'a', 'b', 'c', 0x11, 0, 0}, compress("abc".getBytes()));
        assertArrayEquals(new byte[] {0x11, 0, 0}, compress(new byte[0]));
    }

    /**
     * 32 bytes "abcd" x 8: probes at 5, 6, 7 miss (their words are new), the probe at 8 hits the
     * empty dictionary's position 0: 8 literals (8 - 3), a match at distance 8 read 8 bytes at a
     * time until the tail (length 12 > 8: M3, 0x20 | 10, distance 8 - 1 = 7 as 0x1c 0x00), then the
     * last 12 literals (12 - 3) and the end marker.
     */
    @Test
    void shortRepeatsByHand() {
        byte[] in = "abcdabcdabcdabcdabcdabcdabcdabcd".getBytes();
        byte[] expected = {5, 'a', 'b', 'c', 'd', 'a', 'b', 'c', 'd', 0x2a, 0x1c, 0x00, 9,
                'a', 'b', 'c', 'd', 'a', 'b', 'c', 'd', 'a', 'b', 'c', 'd', 0x11, 0, 0};
        assertArrayEquals(expected, compress(in));
        assertRoundTrip(in);
    }

    @Test
    void randomAndMixedPagesRoundTrip() throws Exception {
        Random r = new Random(42);
        byte[] page = new byte[4096];
        r.nextBytes(page);
        byte[] out = compress(page);
        // Incompressible: one literal run of 4096 (0, 15 x 0, 253), the bytes, the end marker.
        assertEquals(1 + 16 + 4096 + 3, out.length);
        assertEquals(0, out[0]);
        assertEquals((byte) 253, out[16]);
        assertRoundTrip(page);
        for (int n = 0; n < 200; n++) {
            byte[] p = new byte[4096];
            int runs = 1 + r.nextInt(40);
            for (int k = 0; k < runs; k++) {
                int at = r.nextInt(4096);
                int len = Math.min(4096 - at, r.nextInt(300));
                byte v = (byte) r.nextInt(4);
                if (r.nextBoolean()) {
                    Arrays.fill(p, at, at + len, v);
                } else {
                    int from = r.nextInt(4096 - len + 1);
                    System.arraycopy(p, from, p, at, len);
                }
            }
            assertRoundTrip(p);
        }
        // Longer than one 49152-byte chunk: the dictionary restarts, pending literals carry over.
        byte[] big = new byte[200_000];
        for (int k = 0; k < big.length; k++) {
            big[k] = (byte) (r.nextInt(7) == 0 ? r.nextInt() : k / 97);
        }
        assertRoundTrip(big);
    }

    private static byte[] compress(byte[] in) {
        byte[] out = new byte[Lzo1x1Compressor.maxCompressedLength(in.length)];
        int n = new Lzo1x1Compressor().compress(in, in.length, out);
        return Arrays.copyOf(out, n);
    }

    private static void assertRoundTrip(byte[] in) {
        byte[] c = compress(in);
        byte[] back = new byte[in.length];
        try {
            assertEquals(in.length, PageCodec.LZO.decompress(c, c.length, back));
        } catch (java.util.zip.DataFormatException e) {
            throw new AssertionError(e);
        }
        assertArrayEquals(in, back);
    }
}
