package dev.pmemdump.filter.kdump;

import dev.pmemdump.filter.level.DumpLevel;
import dev.pmemdump.filter.page.DumpSink;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.Progress;
import dev.pmemdump.io.Ranges;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * --reassemble: joins the parts of a --split dump into the one kdump-compressed file a plain run
 * writes (docs/dump-formats.md §3.3). Part 1 gives the headers, notes and both bitmaps; the pages of
 * each part follow in pfn order, their data re-based after the whole descriptor table, and a page
 * whose data is the part's shared zero page points at the joined file's one.
 */
public final class KdumpReassembler implements AutoCloseable {
    private static final int BITMAP_CHUNK = 1 << 20;
    private static final int PD_CHUNK = 4096;

    /** One opened part, its header checked. */
    private record Part(Path path, FileChannel ch, ByteBuffer block0, ByteBuffer sub, KdumpHeader header) {
        String name() {
            return path.toString();
        }
    }

    private final List<Part> parts = new ArrayList<>();

    /** Opens and checks the parts: equal main headers, pfn ranges that tile [0, max_mapnr). */
    public KdumpReassembler(List<Path> paths) throws IOException {
        try {
            for (Path p : paths) {
                parts.add(open(p));
            }
            for (Part p : parts) {
                if (!p.block0.equals(parts.get(0).block0)) {
                    throw new CorruptInputException(p.name(), 0, "store_splitting_info: Invalid dumpfile(" + p.name()
                            + ").");
                }
            }
            parts.sort(Comparator.comparingLong(p -> p.header.startPfn()));
            long end = 0;
            for (Part p : parts) {
                if (p.header.startPfn() != end) {
                    throw gap(end, p.header.startPfn());
                }
                end = p.header.endPfn();
            }
            if (end != parts.get(0).header.maxMapnr()) {
                throw gap(end, parts.get(0).header.maxMapnr());
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private static IOException gap(long from, long to) {
        return new IOException("check_splitting_info: There is not dumpfile corresponding to pfn 0x"
                + Long.toHexString(from) + " - 0x" + Long.toHexString(to) + ".");
    }

    private static Part open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path);
        try {
            long size = ch.size();
            ByteBuffer block0 = read(ch, path.toString(), 0, KdumpHeader.DISK_DUMP_HEADER_SIZE);
            int bs = block0.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(428);
            if (bs < 512 || bs > 65536) {
                throw new CorruptInputException(path.toString(), 428, "impossible block_size " + bs);
            }
            ByteBuffer sub = read(ch, path.toString(), bs, KdumpHeader.SUB_HEADER_SIZE);
            return new Part(path, ch, block0, sub, KdumpHeader.parse(path.toString(), block0, sub, size));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Writes the joined dump; returns the number of pages it holds. */
    public long write(DumpSink sink, Progress progress) throws IOException {
        Part first = parts.get(0);
        KdumpHeader h = first.header;
        int bs = h.blockSize();
        sink.write(0, first.block0.duplicate());
        copy(first, h.offsetNote(), h.sizeNote(), sink);
        copy(first, h.offsetVmcoreinfo(), h.sizeVmcoreinfo(), sink);
        long bitmaps = (long) h.bitmapBlocks() * bs;
        copy(first, h.bitmap1Offset(), bitmaps, sink);
        Bitmap2 dumpable = new Bitmap2(first, h.bitmap1Offset() + bitmaps / 2, h.maxMapnr());

        long total = dumpable.count();
        long pdOffset = h.pageDescOffset();
        KdumpWriter.Output out = new KdumpWriter.Output(sink, pdOffset,
                Ranges.add(first.name(), pdOffset, pdOffset, Math.multiplyExact(total, KdumpWriter.PAGE_DESC_SIZE),
                        "page descriptors"));
        boolean shareZero = (h.dumpLevel() & DumpLevel.EXCLUDE_ZERO) != 0;
        long zero = out.dataPos;
        if (shareZero) {
            out.data(new byte[bs], bs);
        }
        byte[] page = new byte[bs];
        long done = 0;
        for (Part p : parts) {
            PageDescs descs = new PageDescs(p, pdOffset);
            for (long pfn = dumpable.next(p.header.startPfn()); pfn >= 0 && pfn < p.header.endPfn();
                 pfn = dumpable.next(pfn + 1)) {
                descs.next();
                if (descs.size < 0 || descs.size > bs || !Ranges.fits(descs.offset, descs.size, p.ch.size())) {
                    throw new CorruptInputException(p.name(), descs.at, "page descriptor of pfn 0x"
                            + Long.toHexString(pfn) + " points outside the file or holds more than a page");
                }
                if (shareZero && descs.offset == zero) {
                    out.desc(zero, bs, 0);
                } else {
                    read(p.ch, p.name(), descs.offset, descs.size).get(page, 0, descs.size);
                    out.desc(out.dataPos, descs.size, descs.flags, descs.pageFlags);
                    out.data(page, descs.size);
                }
                progress.update(++done, total);
            }
        }
        out.flush();
        long eraseAt = out.dataPos;
        long eraseSize = 0;
        for (Part p : parts) {
            copyTo(p, p.header.offsetEraseinfo(), p.header.sizeEraseinfo(), sink, eraseAt + eraseSize);
            eraseSize += p.header.sizeEraseinfo();
        }
        sink.write(bs, KdumpHeader.unsplitSubHeader(first.sub, eraseAt, eraseSize));
        progress.finish();
        return total;
    }

    private static void copy(Part p, long offset, long size, DumpSink sink) throws IOException {
        copyTo(p, offset, size, sink, offset);
    }

    private static void copyTo(Part p, long from, long size, DumpSink sink, long to) throws IOException {
        for (long done = 0; done < size; ) {
            int n = (int) Math.min(BITMAP_CHUNK, size - done);
            sink.write(to + done, read(p.ch, p.name(), from + done, n));
            done += n;
        }
    }

    private static ByteBuffer read(FileChannel ch, String name, long offset, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b, offset + b.position()) < 0) {
                throw new CorruptInputException(name, offset + b.position(), "file ends inside a 0x"
                        + Integer.toHexString(n) + "-byte structure");
            }
        }
        return b.flip();
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (Part p : parts) {
            try {
                p.ch.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Part 1's 2nd bitmap, read in windows. */
    private static final class Bitmap2 {
        private final Part part;
        private final long offset;
        private final long maxMapnr;
        private byte[] window = new byte[0];
        private long windowStart = -1;

        Bitmap2(Part part, long offset, long maxMapnr) {
            this.part = part;
            this.offset = offset;
            this.maxMapnr = maxMapnr;
        }

        long count() throws IOException {
            long n = 0;
            for (long pfn = next(0); pfn >= 0; pfn = next(pfn + 1)) {
                n++;
            }
            return n;
        }

        /** The first set pfn at or after {@code pfn}, or -1. */
        long next(long pfn) throws IOException {
            for (; pfn < maxMapnr; pfn++) {
                long byteAt = pfn >>> 3;
                if (byteAt < windowStart || byteAt >= windowStart + window.length) {
                    windowStart = byteAt;
                    int n = (int) Math.min(BITMAP_CHUNK, Math.ceilDiv(maxMapnr, 8) - byteAt);
                    window = read(part.ch, part.name(), offset + byteAt, n).array();
                }
                int b = window[(int) (byteAt - windowStart)] & 0xff;
                if (b == 0 && (pfn & 7) == 0) {
                    pfn += 7;
                } else if ((b & (1 << (pfn & 7))) != 0) {
                    return pfn;
                }
            }
            return -1;
        }
    }

    /** A part's page descriptors, read in order from the start of its table. */
    private static final class PageDescs {
        private final Part part;
        private final ByteBuffer buf = ByteBuffer.allocate(KdumpWriter.PAGE_DESC_SIZE * PD_CHUNK)
                .order(ByteOrder.LITTLE_ENDIAN);
        private long next;
        long at;
        long offset;
        int size;
        int flags;
        long pageFlags;

        PageDescs(Part part, long tableOffset) {
            this.part = part;
            this.next = tableOffset;
            buf.limit(0);
        }

        void next() throws IOException {
            if (!buf.hasRemaining()) {
                buf.clear();
                int n = 0;
                while (n < KdumpWriter.PAGE_DESC_SIZE) {
                    int r = part.ch.read(buf, next + buf.position());
                    if (r < 0) {
                        throw new CorruptInputException(part.name(), next, "page descriptors end with the file");
                    }
                    n += r;
                }
                buf.flip();
                buf.limit(buf.limit() - buf.limit() % KdumpWriter.PAGE_DESC_SIZE);
            }
            at = next;
            offset = buf.getLong();
            size = buf.getInt();
            flags = buf.getInt();
            pageFlags = buf.getLong();
            next += KdumpWriter.PAGE_DESC_SIZE;
        }
    }
}
