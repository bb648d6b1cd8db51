package dev.pmemdump.filter.kdump;

import dev.pmemdump.filter.level.DumpLevel;
import dev.pmemdump.filter.page.CrashInfo;
import dev.pmemdump.filter.page.DumpSink;
import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.filter.page.PageSource;
import dev.pmemdump.filter.page.WindowedBitmap;
import dev.pmemdump.io.Progress;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.LongConsumer;

/**
 * Writes a kdump-compressed dump (docs/dump-formats.md §3.2): header block, sub header with the notes,
 * both bitmaps, the page_desc table, then the page data in pfn order, starting with one shared
 * zero page when zero pages are excluded. A page is stored compressed only when that makes it
 * smaller than a page; otherwise raw with flags 0.
 *
 * <p>Compression runs on {@code threads} workers over chunks of pages ({@link PageCompression});
 * writing stays sequential, so the file is the same whatever the thread count.
 */
public final class KdumpWriter {
    /** sizeof(page_desc_t): offset i64, size u32, flags u32, page_flags u64. */
    public static final int PAGE_DESC_SIZE = 24;
    private static final int DATA_BUFFER = 1 << 20;

    /** What was written. */
    public record Result(long pagesWritten, long zeroPages, long bytesWritten, long fileSize) {}

    /**
     * Options of one file.
     *
     * @param dumpLevel the -d value (bit 1 shares zero pages)
     * @param codec     page compression
     * @param threads   compression workers (1 = in the calling thread)
     * @param split     true for one part of --split: pages only from {@code [startPfn, endPfn)}
     * @param wholeBitmaps write each bitmap's whole blocks, as makedumpfile does when it keeps its bitmaps
     *                  in a file ({@link #bitmapsInFile}); otherwise up to the last pfn's byte. The file is
     *                  the same either way; "Write bytes" differs.
     */
    public record Options(int dumpLevel, PageCodec codec, int threads, boolean split, long startPfn, long endPfn,
                          boolean wholeBitmaps) {
        public Options(int dumpLevel, PageCodec codec, int threads, boolean split, long startPfn, long endPfn) {
            this(dumpLevel, codec, threads, split, startPfn, endPfn, false);
        }

        public static Options whole(int dumpLevel, PageCodec codec, int threads) {
            return new Options(dumpLevel, codec, threads, false, 0, 0);
        }

        public Options withWholeBitmaps(boolean whole) {
            return new Options(dumpLevel, codec, threads, split, startPfn, endPfn, whole);
        }
    }

    /**
     * Whether makedumpfile 1.7.2 keeps the bitmaps in a file and so writes them in whole blocks: when it
     * refilters a kdump-compressed dump, or when both bitmaps fit its cyclic buffer exactly (max_mapnr a
     * multiple of 4, at most 4 MiB of bitmap, one dumpfile; assuming 60 % of its free memory holds them).
     */
    public static boolean bitmapsInFile(boolean refiltering, long maxMapnr, int dumpfiles) {
        long bitmapSize = maxMapnr * 2 / 8 / dumpfiles;
        long buffer = Math.min(4L << 20, bitmapSize);
        return refiltering || buffer * 8 >= maxMapnr * 2;
    }

    private final PageSource source;
    private final Options options;
    private final LongConsumer zeroPage;

    public KdumpWriter(PageSource source, Options options) {
        this(source, options, pfn -> { });
    }

    /** @param zeroPage told, in pfn order, each pfn written as the shared zero page */
    public KdumpWriter(PageSource source, Options options, LongConsumer zeroPage) {
        this.source = source;
        this.options = options;
        this.zeroPage = zeroPage;
    }

    /**
     * Writes the dump of the pfns set in {@code dumpable} to {@code sink}.
     *
     * @param present  pfns that exist (1st bitmap)
     * @param dumpable pfns to keep (2nd bitmap); all must be readable from the source
     */
    public Result write(PageBitmap present, PageBitmap dumpable, DumpSink sink, Progress progress) throws IOException {
        return write(present, WindowedBitmap.of(dumpable), sink, progress);
    }

    /**
     * Writes the dump of the pfns set in {@code dumpable}, asked for a window at a time: once in order for
     * the 2nd bitmap and the page count (which places the data after the page_desc table), then again in
     * order for the page_desc table and the data. The writes are those of a bitmap held whole.
     */
    public Result write(PageBitmap present, WindowedBitmap dumpable, DumpSink sink, Progress progress)
            throws IOException {
        int bs = source.pageSize();
        CrashInfo ci = source.crashInfo();
        byte[] notes = ci.notes();
        long maxMapnr = source.maxMapnr();
        int subHdrSize = (int) divideUp(KdumpHeader.SUB_HEADER_SIZE + (long) notes.length, bs);
        long oneBitmap = divideUp(divideUp(maxMapnr, 8), bs) * bs;
        int bitmapBlocks = (int) (oneBitmap * 2 / bs);
        long offsetNote = bs + KdumpHeader.SUB_HEADER_SIZE;
        long from = options.split ? options.startPfn : 0;
        long to = options.split ? options.endPfn : maxMapnr;
        KdumpHeader h = new KdumpHeader(ci.utsname(), ci.crashTime(), options.codec.flag(), bs, subHdrSize,
                bitmapBlocks, ci.nrCpus(), ci.physBase(), options.dumpLevel, options.split ? 1 : 0,
                ci.vmcoreinfoOffset() < 0 ? 0 : offsetNote + ci.vmcoreinfoOffset(),
                ci.vmcoreinfoOffset() < 0 ? 0 : ci.vmcoreinfoSize(), offsetNote, notes.length, 0, 0,
                options.split ? from : 0, options.split ? to : 0, maxMapnr);

        sink.write(0, h.diskDumpHeaderBytes());
        sink.write(bs, h.subHeaderBytes());
        if (notes.length > 0) {
            sink.write(offsetNote, ByteBuffer.wrap(notes));
        }
        // Each bitmap is written as makedumpfile writes it (see Options.wholeBitmaps): a tail not written
        // stays a hole, which reads as zero. That is what its "Write bytes" counts.
        long bitmapBytes = options.wholeBitmaps ? oneBitmap : divideUp(maxMapnr, 8);
        present.writeTo(sink, h.bitmap1Offset(), bitmapBytes);
        long numDumpable = 0;
        long allDumpable = 0;
        for (long w = 0; w < maxMapnr; w = dumpable.windowEnd(w)) {
            PageBitmap bits = dumpable.window(w);
            long end = dumpable.windowEnd(w);
            bits.writeTo(sink, h.bitmap1Offset() + oneBitmap, w / 8, end == maxMapnr ? bitmapBytes : end / 8);
            allDumpable += bits.cardinality(w, end);
            numDumpable += bits.cardinality(Math.max(w, from), Math.min(end, to));
        }

        long pdOffset = h.pageDescOffset();
        // Every part of a split dump puts its data after room for the WHOLE dump's descriptors, so the
        // shared zero page is at the same offset in all parts: makedumpfile --reassemble relies on it.
        long dataOffset = pdOffset + PAGE_DESC_SIZE * (options.split ? allDumpable : numDumpable);
        boolean shareZero = (options.dumpLevel & DumpLevel.EXCLUDE_ZERO) != 0;
        Output out = new Output(sink, pdOffset, dataOffset);
        long zeroDesc = -1;
        if (shareZero) {
            zeroDesc = out.dataPos;
            out.data(new byte[bs], 0, bs);
        }
        long zeroPages = 0;
        long done = 0;
        try (PageCompression pages = new PageCompression(source, options.codec, Math.max(1, options.threads),
                shareZero, dumpable, from, to)) {
            for (PageChunk c = pages.next(); c != null; c = pages.next()) {
                zeroPages += store(c, out, zeroDesc, bs);
                done += c.size();
                progress.update(done, numDumpable);
            }
            out.flush();
        }
        progress.finish();
        return new Result(numDumpable, zeroPages, sink.bytesWritten(), out.dataPos);
    }

    /**
     * The page_desc and data of a chunk's pages; returns how many were the shared zero page. A method of
     * its own so that the JIT compiles it after a few chunks rather than the loop running interpreted.
     */
    private int store(PageChunk c, Output out, long zeroDesc, int bs) throws IOException {
        int zeros = 0;
        long at = 0;
        for (int i = 0; i < c.size(); i++) {
            if (c.zero(i)) {
                out.desc(zeroDesc, bs, 0);
                zeros++;
                zeroPage.accept(c.pfn(i));
            } else {
                out.desc(out.dataPos, c.length(i), c.flags(i));
                out.data(c.data(), at, c.length(i));
                at += c.length(i);
            }
        }
        return zeros;
    }

    private static long divideUp(long a, long b) {
        return (a + b - 1) / b;
    }

    /**
     * Buffers the page_desc table and the data area, each written in increasing offset order. The buffers
     * are direct: a file channel writes them without first copying them out of the Java heap.
     */
    static final class Output {
        final DumpSink sink;
        final ByteBuffer pd = ByteBuffer.allocateDirect(PAGE_DESC_SIZE * 4096).order(ByteOrder.LITTLE_ENDIAN);
        final ByteBuffer data = ByteBuffer.allocateDirect(DATA_BUFFER);
        private final MemorySegment dataMemory = MemorySegment.ofBuffer(data);
        long pdPos;
        long pdFlushed;
        long dataPos;
        long dataFlushed;

        Output(DumpSink sink, long pdOffset, long dataOffset) {
            this.sink = sink;
            this.pdPos = pdFlushed = pdOffset;
            this.dataPos = dataFlushed = dataOffset;
        }

        void desc(long offset, int size, int flags) throws IOException {
            desc(offset, size, flags, 0);
        }

        void desc(long offset, int size, int flags, long pageFlags) throws IOException {
            if (pd.remaining() < PAGE_DESC_SIZE) {
                flushPd();
            }
            pd.putLong(offset).putInt(size).putInt(flags).putLong(pageFlags);
            pdPos += PAGE_DESC_SIZE;
        }

        void data(byte[] bytes, int len) throws IOException {
            data(bytes, 0, len);
        }

        void data(byte[] bytes, int offset, int len) throws IOException {
            if (data.remaining() < len) {
                flushData();
            }
            data.put(bytes, offset, len);
            dataPos += len;
        }

        /** Appends {@code bytes[offset, offset + len)}. */
        void data(MemorySegment bytes, long offset, int len) throws IOException {
            if (data.remaining() < len) {
                flushData();
            }
            MemorySegment.copy(bytes, offset, dataMemory, data.position(), len);
            data.position(data.position() + len);
            dataPos += len;
        }

        void flush() throws IOException {
            flushPd();
            flushData();
        }

        private void flushPd() throws IOException {
            sink.write(pdFlushed, pd.flip());
            pdFlushed = pdPos;
            pd.clear();
        }

        private void flushData() throws IOException {
            sink.write(dataFlushed, data.flip());
            dataFlushed = dataPos;
            data.clear();
        }
    }
}
