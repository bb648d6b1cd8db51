package dev.pmemdump.filter.kdump;

import io.airlift.compress.v3.Compressor;
import io.airlift.compress.v3.Decompressor;
import io.airlift.compress.v3.MalformedInputException;
import io.airlift.compress.v3.lzo.LzoDecompressor;
import io.airlift.compress.v3.snappy.SnappyCompressor;
import io.airlift.compress.v3.snappy.SnappyJavaDecompressor;
import io.airlift.compress.v3.zstd.ZstdCompressor;
import io.airlift.compress.v3.zstd.ZstdJavaCompressor;
import io.airlift.compress.v3.zstd.ZstdJavaDecompressor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The per-page compressions of the kdump-compressed format. The value is both the
 * {@code disk_dump_header.status} bit of the file and the {@code page_desc.flags} bit of a page
 * (diskdump_mod.h: DUMP_DH_COMPRESSED_*).
 */
public enum PageCodec {
    NONE(0, "none"),
    /** {@code -c}: zlib stream (compress2 at Z_BEST_SPEED: zlib header, deflate, adler32). */
    ZLIB(0x1, "zlib"),
    /** {@code -l}: raw LZO1X block. */
    LZO(0x2, "lzo"),
    /** {@code -p}: raw snappy block (no framing). */
    SNAPPY(0x4, "snappy"),
    /** {@code -z}: one zstd frame. */
    ZSTD(0x20, "zstd");

    /** The flag bits of all compressions, to tell a compressed page from a raw one. */
    public static final int ALL_FLAGS = 0x1 | 0x2 | 0x4 | 0x20;

    private final int flag;
    private final String label;

    PageCodec(int flag, String label) {
        this.flag = flag;
        this.label = label;
    }

    public int flag() {
        return flag;
    }

    public String label() {
        return label;
    }

    /** The codec of a page_desc's flags, or null when the flags name none or several. */
    public static PageCodec ofFlags(int flags) {
        int c = flags & ALL_FLAGS;
        for (PageCodec p : values()) {
            if (p.flag == c) {
                return p;
            }
        }
        return null;
    }

    /** A compressor for one thread (none of them is thread-safe). */
    public PageCompressor newCompressor() {
        return switch (this) {
            case NONE -> (src, dst) -> -1;
            case ZLIB -> new ZlibPage();
            case LZO -> lzoCompressor();
            case SNAPPY -> new AirPage(SnappyCompressor.create());
            case ZSTD -> new AirPage(zstdLevel1());
        };
    }

    /** liblzo2 itself when it can be used (same bytes, faster), else the built-in LZO1X-1. */
    private static PageCompressor lzoCompressor() {
        PageCompressor n = Liblzo2.newCompressor();
        return n != null ? n : new LzoPage();
    }

    /** Why {@code -l} compresses with the built-in LZO1X-1 rather than liblzo2, or null when it does not. */
    public static String nativeLzoUnavailableReason() {
        return Liblzo2.unavailableReason();
    }

    /**
     * makedumpfile compresses with ZSTD_compressCCtx(..., 1); the native library does level 1, the
     * pure-Java fallback only its default level 3 (still a valid frame for every reader).
     */
    private static ZstdCompressor zstdLevel1() {
        try {
            return ZstdCompressor.create(1);
        } catch (IllegalArgumentException nativeMissing) {
            return new ZstdJavaCompressor();
        }
    }

    /** Worst-case compressed size of a page, the size of the output buffer. */
    public int maxCompressedLength(int pageSize) {
        int lzo = pageSize + pageSize / 16 + 64 + 3;
        return Math.max(lzo, switch (this) {
            case NONE -> pageSize;
            case ZLIB -> pageSize + (pageSize >> 12) + (pageSize >> 14) + (pageSize >> 25) + 13 + 6;
            case LZO -> Lzo1x1Compressor.maxCompressedLength(pageSize);
            case SNAPPY -> SnappyCompressor.create().maxCompressedLength(pageSize);
            case ZSTD -> zstdLevel1().maxCompressedLength(pageSize);
        });
    }

    /**
     * Decompresses {@code src[0, len)} into {@code dst}; returns the decompressed length.
     *
     * @throws DataFormatException when the bytes are not a valid stream of this codec
     */
    public int decompress(byte[] src, int len, byte[] dst) throws DataFormatException {
        try {
            return switch (this) {
                case NONE -> {
                    System.arraycopy(src, 0, dst, 0, Math.min(len, dst.length));
                    yield Math.min(len, dst.length);
                }
                case ZLIB -> inflate(src, len, dst);
                case LZO -> air(new LzoDecompressor(), src, len, dst);
                case SNAPPY -> air(new SnappyJavaDecompressor(), src, len, dst);
                case ZSTD -> air(new ZstdJavaDecompressor(), src, len, dst);
            };
        } catch (MalformedInputException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new DataFormatException(label + " data is corrupt: " + e.getMessage());
        }
    }

    private static int inflate(byte[] src, int len, byte[] dst) throws DataFormatException {
        Inflater inf = new Inflater();
        try {
            inf.setInput(src, 0, len);
            int n = inf.inflate(dst);
            if (!inf.finished()) {
                throw new DataFormatException("zlib stream does not end within one page");
            }
            return n;
        } finally {
            inf.end();
        }
    }

    private static int air(Decompressor d, byte[] src, int len, byte[] dst) {
        return d.decompress(src, 0, len, dst, 0, dst.length);
    }

    /** Compresses one page for one thread. */
    @FunctionalInterface
    public interface PageCompressor {
        /** Compresses all of {@code src} into {@code dst} (its size is the room); returns the length, or -1 on failure. */
        int compress(MemorySegment src, MemorySegment dst);
    }

    /** Native or heap segments alike: zlib reads and writes the buffers' memory in place. */
    private static final class ZlibPage implements PageCompressor {
        private final Deflater deflater = new Deflater(Deflater.BEST_SPEED);

        @Override
        public int compress(MemorySegment src, MemorySegment dst) {
            deflater.reset();
            deflater.setInput(src.asByteBuffer());
            deflater.finish();
            int n = deflater.deflate(dst.asByteBuffer());
            return deflater.finished() ? n : -1;
        }
    }

    /** liblzo2's LZO1X-1 byte for byte (makedumpfile -l); decompression stays with aircompressor. */
    private static final class LzoPage implements PageCompressor {
        private final Lzo1x1Compressor c = new Lzo1x1Compressor();
        private byte[] in = new byte[0];
        private byte[] out = new byte[0];

        @Override
        public int compress(MemorySegment src, MemorySegment dst) {
            int len = Math.toIntExact(src.byteSize());
            if (in.length < len) {
                in = new byte[len];
                out = new byte[Lzo1x1Compressor.maxCompressedLength(len)];
            }
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, 0, in, 0, len);
            try {
                int n = c.compress(in, 0, len, out);
                if (n < 0 || n > dst.byteSize()) {
                    return -1;
                }
                MemorySegment.copy(out, 0, dst, ValueLayout.JAVA_BYTE, 0, n);
                return n;
            } catch (IndexOutOfBoundsException e) {
                return -1;
            }
        }
    }

    private record AirPage(Compressor c) implements PageCompressor {
        @Override
        public int compress(MemorySegment src, MemorySegment dst) {
            try {
                return c.compress(src, dst);
            } catch (RuntimeException e) {
                return -1;
            }
        }
    }
}
