package dev.pmemdump.filter.kdump;

import dev.pmemdump.filter.kdump.PageCodec.PageCompressor;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.OracleTest;
import dev.pmemdump.testing.Tools;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * liblzo2 (the library makedumpfile -l calls) and the built-in {@link Lzo1x1Compressor} write the
 * same bytes, page for page, on every 4 KiB of the real 6.1 vmcore and on made-up pages; so which
 * one a run uses never shows in its dump. Needs liblzo2.so.2 2.10 (Debian liblzo2-2, a dependency
 * of makedumpfile).
 */
@OracleTest
class Liblzo2Test {
    private static final int PAGE = 4096;

    @BeforeEach
    void requireLibrary() {
        String why = Liblzo2.unavailableReason();
        if (why != null) {
            if (Tools.strict()) {
                Assertions.fail(why);
            }
            Assumptions.abort(why);
        }
    }

    @Test
    void everyPageOfTheRealVmcoreCompressesAlike() throws Exception {
        Path vmcore = Fixtures.unzstd("linux-6.1-qemu/kdump-file/vmcore.raw.zst");
        PageCompressor lib = Liblzo2.newCompressor();
        Lzo1x1Compressor ours = new Lzo1x1Compressor();
        byte[] batch = new byte[64 * PAGE];
        byte[] a = new byte[Lzo1x1Compressor.maxCompressedLength(PAGE)];
        byte[] b = new byte[a.length];
        long pages = 0, compressible = 0;
        try (InputStream in = Files.newInputStream(vmcore)) {
            for (int n; (n = in.readNBytes(batch, 0, batch.length)) > 0; ) {
                for (int off = 0; off + PAGE <= n; off += PAGE) {
                    int la = viaLibrary(lib, batch, off, PAGE, a);
                    int lb = ours.compress(batch, off, PAGE, b);
                    long at = pages * PAGE;
                    assertEquals(lb, la, () -> "length of the page at file offset 0x" + Long.toHexString(at));
                    if (!Arrays.equals(a, 0, la, b, 0, lb)) {
                        Assertions.fail("bytes of the page at file offset 0x" + Long.toHexString(at));
                    }
                    compressible += la < PAGE ? 1 : 0;
                    pages++;
                }
            }
        }
        assertEquals(Files.size(vmcore) / PAGE, pages);
        // the real kernel's pages: most compress, some (random or compressed data) do not
        Assertions.assertTrue(compressible > pages / 2 && compressible < pages, compressible + " of " + pages);
    }

    @Test
    void madeUpPagesAndLengthsCompressAlike() {
        Random r = new Random(7);
        PageCompressor lib = Liblzo2.newCompressor();
        Lzo1x1Compressor ours = new Lzo1x1Compressor();
        for (int k = 0; k < 440; k++) {
            // empty and short, pages, many chunks, a last chunk of 21 to 60 bytes
            int len = k < 40 ? k : k < 200 ? PAGE : k < 400 ? 1 + r.nextInt(3 * 49152) : 49152 + k - 379;
            byte[] src = new byte[len + 16];
            for (int i = 0; i < src.length; i++) {
                src[i] = (byte) (r.nextInt(5) == 0 ? r.nextInt() : (i / (1 + k % 13)) % 7);
            }
            int off = k % 16;
            byte[] a = new byte[Lzo1x1Compressor.maxCompressedLength(len)];
            byte[] b = new byte[a.length];
            int la = viaLibrary(lib, src, off, len, a);
            int lb = ours.compress(src, off, len, b);
            assertArrayEquals(Arrays.copyOf(b, lb), Arrays.copyOf(a, la), "input " + k + " of " + len + " bytes");
        }
    }

    /** liblzo2 does not check the output's room; a buffer below the worst case is refused before the call. */
    @Test
    void outputBelowTheWorstCaseIsRefused() {
        byte[] page = new byte[PAGE];
        new Random(1).nextBytes(page);
        PageCompressor lib = Liblzo2.newCompressor();
        assertEquals(-1, viaLibrary(lib, page, 0, PAGE, new byte[PAGE + 100]));
        byte[] room = new byte[Lzo1x1Compressor.maxCompressedLength(PAGE)];
        assertEquals(1 + 16 + PAGE + 3, viaLibrary(lib, page, 0, PAGE, room)); // one literal run and the end marker
    }

    @Test
    void minusLUsesTheLibraryWhereItLoads() {
        assertInstanceOf(Liblzo2.newCompressor().getClass(), PageCodec.LZO.newCompressor());
    }

    /** {@code src[off, off + len)} through {@code lib} into {@code dst}, as the writer passes pages. */
    private static int viaLibrary(PageCompressor lib, byte[] src, int off, int len, byte[] dst) {
        return lib.compress(MemorySegment.ofArray(src).asSlice(off, len), MemorySegment.ofArray(dst));
    }
}
