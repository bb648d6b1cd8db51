package dev.pmemdump.images;

import dev.pmemdump.io.Bytes;
import dev.pmemdump.io.Extent;
import dev.pmemdump.io.FileExtents;
import dev.pmemdump.io.MappedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Physical memory [base, base + size) kept in a sparse file: byte {@code pa - base} of the file is
 * physical address {@code pa}. RAM is one such image from address 0, each pmem region another one
 * from its start. Pages never written stay holes in the file.
 */
public final class MemoryImage implements AutoCloseable {
    private final MappedImage image;
    private final MemorySegment seg;
    private final long base;
    private FileExtents holes;
    /** Set by {@link #force()}: only then does the file system know every page written so far. */
    private boolean forced;

    private MemoryImage(MappedImage image, long base) {
        this.image = image;
        this.seg = image.segment();
        this.base = base;
    }

    public static MemoryImage create(Path file, long base, long size) throws IOException {
        return new MemoryImage(MappedImage.create(file, size), base);
    }

    /** Physical memory at {@code base} held by an existing mapping (this object then owns it). */
    public static MemoryImage of(MappedImage image, long base) {
        return new MemoryImage(image, base);
    }

    public long base() {
        return base;
    }

    public long end() {
        return base + seg.byteSize();
    }

    public Path path() {
        return image.path();
    }

    public boolean contains(long pa, long len) {
        return pa >= base && len >= 0 && pa - base <= seg.byteSize() - len;
    }

    private long off(long pa, long len) {
        if (!contains(pa, len)) {
            throw new IllegalArgumentException(image.path() + ": physical 0x" + Long.toHexString(pa) + "+0x"
                    + Long.toHexString(len) + " outside [0x" + Long.toHexString(base) + ", 0x" + Long.toHexString(end()) + ")");
        }
        return pa - base;
    }

    public void putLong(long pa, long v) {
        forced = false;
        seg.set(Bytes.LE_U64, off(pa, 8), v);
    }

    public void putInt(long pa, int v) {
        forced = false;
        seg.set(Bytes.LE_U32, off(pa, 4), v);
    }

    public void putByte(long pa, int v) {
        forced = false;
        seg.set(Bytes.U8, off(pa, 1), (byte) v);
    }

    public long getLong(long pa) {
        return seg.get(Bytes.LE_U64, off(pa, 8));
    }

    public void putBytes(long pa, byte[] b) {
        forced = false;
        MemorySegment.copy(MemorySegment.ofArray(b), 0, seg, off(pa, b.length), b.length);
    }

    /** Writes {@code text} as ASCII (not NUL-terminated). */
    public void putString(long pa, String text) {
        putBytes(pa, text.getBytes(StandardCharsets.US_ASCII));
    }

    /** A view of [pa, pa + len); writes through it land in the image. */
    public MemorySegment slice(long pa, long len) {
        return seg.asSlice(off(pa, len), len);
    }

    /**
     * True when [pa, pa + len) is a hole of the file (reads as zero, costs nothing). Only valid for
     * what was {@link #force() forced} out: call it once writing is done.
     */
    public boolean isHole(long pa, long len) {
        long off = off(pa, len);
        try {
            return forced && holes().isHole(off, len);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The parts of [pa, pa + len) that may hold data, as physical ranges; the rest are holes. All of
     * it until writing is {@link #force() forced} out.
     */
    public List<Extent> dataExtents(long pa, long len) throws IOException {
        long off = off(pa, len);
        if (!forced) {
            return List.of(new Extent(pa, pa + len));
        }
        return holes().within(off, len).stream().map(e -> new Extent(e.start() + base, e.end() + base)).toList();
    }

    private FileExtents holes() {
        if (holes == null) {
            holes = FileExtents.open(image.path());
        }
        return holes;
    }

    /** True if the page at {@code pa} holds only zero bytes; holes are answered without reading. */
    public boolean isZeroPage(long pa) {
        if (isHole(pa, Linux61.PAGE_SIZE)) {
            return true;
        }
        MemorySegment page = slice(pa, Linux61.PAGE_SIZE);
        for (long i = 0; i < Linux61.PAGE_SIZE; i += 8) {
            if (page.get(Bytes.LE_U64, i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Writes dirty pages back; afterwards {@link #isHole} answers from the file system. */
    public void force() {
        image.force();
        closeHoles(); // its cached extent may predate the pages just written
        forced = true;
    }

    @Override
    public void close() {
        try {
            closeHoles();
        } finally {
            image.close();
        }
    }

    private void closeHoles() {
        if (holes != null) {
            try {
                holes.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                holes = null;
            }
        }
    }
}
