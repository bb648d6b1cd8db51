package dev.pmemdump.filter.kdump;

import java.util.Arrays;

/**
 * LZO1X-1 as liblzo2 2.10's {@code lzo1x_1_compress} writes it on x86_64 (what makedumpfile -l
 * stores), so a dump is byte-identical, not only equivalent. Written from the format's rules:
 *
 * <ul>
 * <li>Input is cut into chunks of at most 49152 bytes, while more than 20 bytes are left and the
 *     chunk with the literals pending before it is at least 32 bytes (below that liblzo's guard
 *     against the end pointer's overflow stops, and the rest is literals); each chunk starts with an empty dictionary of
 *     2^14 16-bit positions (relative to the chunk), indexed by the top 14 bits of
 *     {@code 0x1824429d * LE32(ip)} (32-bit product).</li>
 * <li>Search starts 4 bytes into a chunk (fewer when literals are pending from the previous chunk)
 *     and, before the first probe, steps once; after a miss it steps {@code 1 + (literals >> 5)}.
 *     It stops 20 bytes before the chunk's end. A probe stores the current position and is a hit
 *     when the 4 bytes at the stored position are equal.</li>
 * <li>A hit extends 8 bytes at a time; if that reaches the 20-byte tail it stops on that multiple of
 *     8, otherwise it adds the equal bytes of the last word.</li>
 * <li>Literals before a match: up to 3 go into the previous match's low bits, up to 18 take one
 *     byte {@code n - 3}, more take 0, 255-steps of 0 and the remainder. Matches: length up to 8 and
 *     distance up to 0x800 in two bytes; distance up to 0x4000 with marker 0x20 (length up to 33 in
 *     the marker); farther with marker 0x10 (length up to 9).</li>
 * <li>The last literals: as a first instruction {@code 17 + n} when n is at most 238, otherwise as
 *     above; then the end marker 0x11 0x00 0x00.</li>
 * </ul>
 *
 * Not thread-safe: one instance per thread; it allocates nothing per call.
 */
public final class Lzo1x1Compressor {
    private static final int D_BITS = 14;
    private static final int CHUNK = 49152;
    private static final int TAIL = 20;
    private static final int M2_MAX_LEN = 8, M3_MAX_LEN = 33, M4_MAX_LEN = 9;
    private static final int M2_MAX_OFFSET = 0x0800, M3_MAX_OFFSET = 0x4000;
    private static final int M3_MARKER = 0x20, M4_MARKER = 0x10;

    /** Chunks an epoch can stamp before the dictionary is cleared for real (16 bits of stamp). */
    private static final int EPOCHS = 1 << 16;

    /**
     * The dictionary: an entry is {@code epoch << 16 | position}. liblzo clears its 32 KiB dictionary
     * for every chunk, i.e. for every page; here a new chunk takes a new epoch instead, and an entry of
     * an older epoch reads as position 0, which is what a cleared entry holds.
     */
    private final int[] dict = new int[1 << D_BITS];
    private int epoch = EPOCHS - 1;

    /** The most {@link #compress} can write for {@code len} input bytes. */
    public static int maxCompressedLength(int len) {
        return len + len / 16 + 64 + 3;
    }

    /** Compresses {@code src[0, len)} into {@code dst} (at least {@link #maxCompressedLength} long); returns the length. */
    public int compress(byte[] src, int len, byte[] dst) {
        return compress(src, 0, len, dst);
    }

    /** Compresses {@code src[off, off + len)} into {@code dst} (at least {@link #maxCompressedLength} long); returns the length. */
    public int compress(byte[] src, int off, int len, byte[] dst) {
        int ip = off;
        int op = 0;
        int left = len;
        int pending = 0;
        while (left > TAIL) {
            int ll = Math.min(left, CHUNK);
            if ((pending + ll) >> 5 == 0) {
                break; // liblzo's overflow guard on the chunk's end is also true below 32 bytes: all literals
            }
            newEpoch();
            long r = chunk(src, ip, ll, dst, op, pending);
            op = (int) (r >>> 32);
            pending = (int) r;
            ip += ll;
            left -= ll;
        }
        pending += left;
        if (pending > 0) {
            int from = off + len - pending;
            if (op == 0 && pending <= 238) {
                dst[op++] = (byte) (17 + pending);
            } else if (pending <= 3) {
                dst[op - 2] |= (byte) pending;
            } else {
                op = literalRun(dst, op, pending);
            }
            System.arraycopy(src, from, dst, op, pending);
            op += pending;
        }
        dst[op++] = (byte) (M4_MARKER | 1);
        dst[op++] = 0;
        dst[op++] = 0;
        return op;
    }

    /**
     * One chunk {@code src[in, in + n)} with {@code ti} literals pending before it; returns the new
     * output position (high 32 bits) and the literals left pending at its end (low 32 bits).
     *
     * <p>Shaped for the C1 compiler the installed command runs (no inlining of calls over 35 bytes of
     * bytecode, no range-check elimination): the probe is inline, a step of one byte shifts the next
     * byte into the previous 32-bit value instead of reading four, and a miss is usually found by
     * the first byte compared.
     */
    private long chunk(byte[] src, int in, int n, byte[] dst, int op, int ti) {
        final int[] dict = this.dict;
        final int stamp = epoch << 16;
        int ipEnd = in + n - TAIL;
        int ii = in;
        int ip = in + (ti < 4 ? 4 - ti : 0);
        ip += 1 + ((ip - ii) >> 5);
        int dv = 0;
        int dvAt = -2; // where dv was read; -2: nowhere
        while (ip < ipEnd) {
            if (dvAt == ip - 1) {
                dv = (dv >>> 8) | src[ip + 3] << 24;
            } else {
                dv = (src[ip] & 0xff) | (src[ip + 1] & 0xff) << 8 | (src[ip + 2] & 0xff) << 16 | src[ip + 3] << 24;
            }
            dvAt = ip;
            int dindex = (dv * 0x1824429d) >>> (32 - D_BITS);
            int entry = dict[dindex];
            // An entry of an older epoch reads as position 0, what liblzo's cleared dictionary holds.
            int mPos = (entry & 0xffff0000) == stamp ? in + (entry & 0xffff) : in;
            dict[dindex] = stamp | (ip - in);
            if (src[mPos] != (byte) dv || src[mPos + 1] != (byte) (dv >>> 8)
                    || src[mPos + 2] != (byte) (dv >>> 16) || src[mPos + 3] != (byte) (dv >>> 24)) {
                ip += 1 + ((ip - ii) >> 5);
                continue;
            }
            ii -= ti;
            ti = 0;
            int t = ip - ii;
            if (t != 0) {
                if (t <= 3) {
                    dst[op - 2] |= (byte) t;
                } else {
                    op = literalRun(dst, op, t);
                }
                System.arraycopy(src, ii, dst, op, t);
                op += t;
            }
            int mLen = matchLength(src, ip, mPos, ipEnd);
            int mOff = ip - mPos;
            ip += mLen;
            ii = ip;
            op = match(dst, op, mLen, mOff);
        }
        return ((long) op << 32) | (in + n - (ii - ti));
    }

    /** An empty dictionary for the next chunk: a new epoch, or a real clear once every {@value #EPOCHS}. */
    private void newEpoch() {
        epoch++;
        if (epoch == EPOCHS) {
            Arrays.fill(dict, 0);
            epoch = 1;
        }
    }

    /**
     * The match length as liblzo's word loop finds it: 4, then 8 bytes at a time while equal, stopping
     * on the first multiple of 8 that reaches {@code ipEnd}, else adding the equal bytes of the first
     * unequal word. So the length is {@code 4 + 8 * j} for the first such multiple {@code j} when every
     * byte before it is equal, else 4 plus the equal bytes. Most matches are short: the first word is
     * compared here byte by byte, the rest with one bounded {@link Arrays#mismatch} (a vectorised
     * intrinsic, but several calls deep under C1).
     */
    private static int matchLength(byte[] src, int ip, int mPos, int ipEnd) {
        int words = Math.max(1, (ipEnd - ip - 4 + 7) >> 3);
        int limit = words << 3;
        int a = ip + 4;
        int b = mPos + 4;
        int equal = 0;
        while (equal < 8 && src[a + equal] == src[b + equal]) {
            equal++;
        }
        if (equal == 8 && limit > 8) {
            int rest = Arrays.mismatch(src, a + 8, a + limit, src, b + 8, b + limit);
            equal = rest < 0 ? limit : 8 + rest;
        }
        return 4 + equal;
    }

    /** The count byte(s) of a literal run of {@code t} (more than 3) bytes. */
    private static int literalRun(byte[] dst, int op, int t) {
        if (t <= 18) {
            dst[op++] = (byte) (t - 3);
        } else {
            dst[op++] = 0;
            op = runLength(dst, op, t - 18);
        }
        return op;
    }

    /** {@code n} (positive) as 255-steps of 0 and the remainder. */
    private static int runLength(byte[] dst, int op, int n) {
        while (n > 255) {
            n -= 255;
            dst[op++] = 0;
        }
        dst[op++] = (byte) n;
        return op;
    }

    private static int match(byte[] dst, int op, int mLen, int mOff) {
        if (mLen <= M2_MAX_LEN && mOff <= M2_MAX_OFFSET) {
            int off = mOff - 1;
            dst[op++] = (byte) (((mLen - 1) << 5) | ((off & 7) << 2));
            dst[op++] = (byte) (off >>> 3);
            return op;
        }
        int off;
        if (mOff <= M3_MAX_OFFSET) {
            off = mOff - 1;
            if (mLen <= M3_MAX_LEN) {
                dst[op++] = (byte) (M3_MARKER | (mLen - 2));
            } else {
                dst[op++] = (byte) M3_MARKER;
                op = runLength(dst, op, mLen - M3_MAX_LEN);
            }
        } else {
            off = mOff - 0x4000;
            int high = (off >>> 11) & 8;
            if (mLen <= M4_MAX_LEN) {
                dst[op++] = (byte) (M4_MARKER | high | (mLen - 2));
            } else {
                dst[op++] = (byte) (M4_MARKER | high);
                op = runLength(dst, op, mLen - M4_MAX_LEN);
            }
        }
        dst[op++] = (byte) (off << 2);
        dst[op++] = (byte) (off >>> 6);
        return op;
    }
}
