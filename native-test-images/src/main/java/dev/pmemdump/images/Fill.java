package dev.pmemdump.images;

import dev.pmemdump.io.Bytes;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** Page contents: random words, text, patterns; deterministic from the caller's generator. */
final class Fill {
    private Fill() {}

    static void random(MemoryImage mem, long pa, long len, SplittableRandom rnd) {
        MemorySegment s = mem.slice(pa, len);
        long i = 0;
        for (; i + 8 <= len; i += 8) {
            s.set(Bytes.LE_U64, i, rnd.nextLong() | 1L);
        }
        for (; i < len; i++) {
            s.set(Bytes.U8, i, (byte) (rnd.nextInt(255) + 1));
        }
    }

    /** Repeats {@code line} over the page (what a text file in the page cache looks like). */
    static void text(MemoryImage mem, long pa, long len, String line) {
        byte[] b = line.getBytes(StandardCharsets.US_ASCII);
        MemorySegment s = mem.slice(pa, len);
        for (long i = 0; i < len; i++) {
            s.set(Bytes.U8, i, b[(int) (i % b.length)]);
        }
    }
}
