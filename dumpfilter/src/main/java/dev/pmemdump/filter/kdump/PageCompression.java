package dev.pmemdump.filter.kdump;

import dev.pmemdump.filter.page.PageSource;
import dev.pmemdump.filter.page.WindowedBitmap;
import dev.pmemdump.filter.page.ZeroPage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The dumpable pages of {@code [from, to)} read and compressed in batches, handed out in pfn order.
 * Each run of consecutive pfns is read with one call. With more than one thread, each worker reads
 * and compresses a consecutive share of a batch, and the workers compress the next batch while the
 * caller writes the one it was given; the pages come out the same whatever the thread count.
 */
final class PageCompression implements AutoCloseable {
    private static final int BATCH_PER_THREAD = 256;

    private final PageSource source;
    private final WindowedBitmap dumpable;
    private final long to;
    private final boolean shareZero;
    private final PageCodec.PageCompressor[] compressors;
    private final ExecutorService pool;
    private final Batch[] batches;
    private Batch inFlight;
    private long cursor;

    /** {@code dumpable} is asked for its windows in order, from this (the writing) thread only. */
    PageCompression(PageSource source, PageCodec codec, int threads, boolean shareZero, WindowedBitmap dumpable,
                    long from, long to) throws IOException {
        this.source = source;
        this.dumpable = dumpable;
        this.to = to;
        this.shareZero = shareZero;
        this.cursor = dumpable.nextSet(from, to);
        this.compressors = new PageCodec.PageCompressor[threads];
        for (int t = 0; t < threads; t++) {
            compressors[t] = codec.newCompressor();
        }
        int size = BATCH_PER_THREAD * threads;
        this.pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "kdump-compress");
            t.setDaemon(true);
            return t;
        }) : null;
        // Two batches with workers: one being compressed while the caller writes the other.
        this.batches = new Batch[pool == null ? 1 : 2];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = new Batch(size, source.pageSize(), codec);
        }
    }

    /** The next batch, compressed; null after the last. Valid until the next call. */
    Batch next() throws IOException {
        if (pool == null) {
            Batch b = batches[0];
            if (collect(b) == 0) {
                return null;
            }
            compressShare(b, 0, b.n, compressors[0]);
            return b;
        }
        if (inFlight == null && collect(batches[0]) > 0) {
            submit(batches[0]);   // the first call
        }
        Batch ready = inFlight;
        if (ready == null) {
            return null;
        }
        await(ready);
        Batch other = ready == batches[0] ? batches[1] : batches[0];
        inFlight = null;
        if (collect(other) > 0) {
            submit(other);
        }
        return ready;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    private int collect(Batch b) throws IOException {
        int n = 0;
        for (; n < b.pfns.length && cursor >= 0; cursor = dumpable.nextSet(cursor + 1, to)) {
            b.pfns[n++] = cursor;
        }
        b.n = n;
        return n;
    }

    private void submit(Batch b) {
        int threads = compressors.length;
        b.pending.clear();
        for (int t = 0; t < threads; t++) {
            PageCodec.PageCompressor compressor = compressors[t];
            int from = (int) ((long) b.n * t / threads);
            int end = (int) ((long) b.n * (t + 1) / threads);
            b.pending.add(pool.submit(() -> {
                compressShare(b, from, end, compressor);
                return null;
            }));
        }
        inFlight = b;
    }

    private static void await(Batch b) throws IOException {
        for (Future<Void> f : b.pending) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while compressing pages", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                if (e.getCause() instanceof Error err) {
                    throw err; // out of memory in a worker is reported like out of memory here
                }
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    /** Pages {@code [from, end)} of the batch: each run of consecutive pfns read at once, then compressed. */
    private void compressShare(Batch b, int from, int end, PageCodec.PageCompressor compressor) throws IOException {
        int bs = b.pageSize;
        for (int i = from; i < end; ) {
            int j = i + 1;
            while (j < end && b.pfns[j] == b.pfns[j - 1] + 1) {
                j++;
            }
            source.read(b.pfns[i], j - i, b.pages, i * bs);
            i = j;
        }
        for (int i = from; i < end; i++) {
            b.fill(i, compressor, shareZero);
        }
    }

    /** Pages read back to back, and per page: zero, or the bytes to store and their page_desc flags. */
    static final class Batch {
        private final int pageSize;
        private final PageCodec codec;
        private final long[] pfns;
        private final byte[] pages;
        private final byte[][] compressed;
        private final int[] lengths;
        private final int[] flags;
        private final boolean[] zero;
        private final List<Future<Void>> pending = new ArrayList<>();
        private int n;

        private Batch(int size, int pageSize, PageCodec codec) {
            this.pageSize = pageSize;
            this.codec = codec;
            this.pfns = new long[size];
            this.pages = new byte[size * pageSize];
            this.compressed = new byte[size][];
            int max = codec.maxCompressedLength(pageSize);
            for (int i = 0; i < size; i++) {
                compressed[i] = new byte[max];
            }
            this.lengths = new int[size];
            this.flags = new int[size];
            this.zero = new boolean[size];
        }

        int size() {
            return n;
        }

        long pfn(int i) {
            return pfns[i];
        }

        boolean zero(int i) {
            return zero[i];
        }

        /** The page_desc flags: the codec's, or 0 for a page stored raw. */
        int flags(int i) {
            return flags[i];
        }

        int length(int i) {
            return lengths[i];
        }

        byte[] bytes(int i) {
            return flags[i] == 0 ? pages : compressed[i];
        }

        int offset(int i) {
            return flags[i] == 0 ? i * pageSize : 0;
        }

        /** Stored compressed only when that makes the page smaller; otherwise raw with flags 0. */
        private void fill(int i, PageCodec.PageCompressor compressor, boolean shareZero) {
            int at = i * pageSize;
            zero[i] = shareZero && ZeroPage.isZero(pages, at, pageSize);
            if (zero[i]) {
                return;
            }
            int len = codec == PageCodec.NONE ? -1 : compressor.compress(pages, at, pageSize, compressed[i]);
            if (len > 0 && len < pageSize) {
                lengths[i] = len;
                flags[i] = codec.flag();
            } else {
                lengths[i] = pageSize;
                flags[i] = 0;
            }
        }
    }
}
