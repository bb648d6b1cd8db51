package dev.pmemdump.filter.page;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/** The zero-page test of every writer and of the ELF zero-page exclusion. */
public final class ZeroPage {
    /** Compared against: Arrays.equals and mismatch are vectorised, a byte loop costs 50 times more. */
    private static final byte[] ZEROS = new byte[4096];
    private static final MemorySegment ZERO_SEGMENT = MemorySegment.ofArray(ZEROS);

    private ZeroPage() {
    }

    /** True when {@code page[0, length)} holds only zero bytes. */
    public static boolean isZero(byte[] page, int length) {
        return isZero(page, 0, length);
    }

    /** True when {@code bytes[offset, offset + length)} holds only zero bytes. */
    public static boolean isZero(byte[] bytes, int offset, int length) {
        for (int done = 0; done < length; done += ZEROS.length) {
            int n = Math.min(ZEROS.length, length - done);
            if (!Arrays.equals(bytes, offset + done, offset + done + n, ZEROS, 0, n)) {
                return false;
            }
        }
        return true;
    }

    /** True when all of {@code bytes} (native or heap) is zero. */
    public static boolean isZero(MemorySegment bytes) {
        long length = bytes.byteSize();
        for (long done = 0; done < length; done += ZEROS.length) {
            long n = Math.min(ZEROS.length, length - done);
            if (MemorySegment.mismatch(bytes, done, done + n, ZERO_SEGMENT, 0, n) >= 0) {
                return false;
            }
        }
        return true;
    }
}
