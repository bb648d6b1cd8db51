package dev.pmemdump.filter.kdump;

import dev.pmemdump.filter.page.PageSource;
import dev.pmemdump.filter.page.ZeroPage;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.Semaphore;

/**
 * Up to a chunk of dumpable pages, consecutive pfns read with one call into native memory (a file
 * source reads straight into it), and what the writer stores of each: nothing for a zero page,
 * else the page compressed or raw, packed back to back in {@link #data()} in pfn order.
 */
final class PageChunk implements AutoCloseable {
    /** What every chunk of one writer shares; {@code room} is the codec's worst case for a page. */
    record Layout(PageSource source, PageCodec codec, boolean shareZero, int room) {
        Layout(PageSource source, PageCodec codec, boolean shareZero) {
            this(source, codec, shareZero, codec.maxCompressedLength(source.pageSize()));
        }

        int pageSize() {
            return source.pageSize();
        }
    }

    private final Layout layout;
    /**
     * A chunk's own: a native call acquires its arguments' arena, so workers on different chunks never
     * share that count (one arena for all the chunks made them take turns on its cache line). Confined
     * to the writing thread when there are no workers: no atomic count, and closing it stops no thread.
     */
    private final Arena arena;
    private final long[] pfns;
    private final MemorySegment pages;
    private final MemorySegment data;
    private final int[] lengths;
    private final int[] flags;
    private final boolean[] zero;
    /** Released by the worker that filled the chunk; the writer acquires it. */
    private final Semaphore done = new Semaphore(0);
    private int n;
    /** What the filling threw, for the writer to throw; written before {@link #done} is released. */
    private Throwable failure;

    /** @param shared filled by workers, not only by the thread that makes it */
    PageChunk(Layout layout, int capacity, boolean shared) {
        this.layout = layout;
        this.arena = shared ? Arena.ofShared() : Arena.ofConfined();
        int ps = layout.pageSize();
        this.pfns = new long[capacity];
        this.pages = arena.allocate((long) capacity * ps, 64);
        this.data = arena.allocate((long) capacity * layout.room(), 64);
        this.lengths = new int[capacity];
        this.flags = new int[capacity];
        this.zero = new boolean[capacity];
    }

    int capacity() {
        return pfns.length;
    }

    long[] pfns() {
        return pfns;
    }

    void size(int pages) {
        this.n = pages;
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

    /** Bytes stored for page {@code i} (0 for a zero page): they follow those of the pages before it in {@link #data()}. */
    int length(int i) {
        return lengths[i];
    }

    MemorySegment data() {
        return data;
    }

    /** Frees the pages; no worker may hold the chunk. */
    @Override
    public void close() {
        arena.close();
    }

    void queued() {
        failure = null;
    }

    /** Waits until a worker has filled the chunk; throws what the filling threw. */
    void awaitDone() throws IOException {
        try {
            done.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while compressing pages", e);
        }
        // instanceof, not a type switch: the first run of a type switch loads a class made at run time
        if (failure instanceof IOException io) {
            throw io;
        } else if (failure instanceof Error err) {
            throw err;   // out of memory in a worker is reported like out of memory here
        } else if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    /** {@link #fill} on a worker: what it throws is kept for the writer. */
    void fillReporting(PageCodec.PageCompressor compressor) {
        try {
            fill(compressor);
        } catch (Throwable t) {
            failure = t;
        }
        done.release();
    }

    /** Reads the pages, each run of consecutive pfns at once, then stores each: shared zero, compressed or raw. */
    void fill(PageCodec.PageCompressor compressor) throws IOException {
        int ps = layout.pageSize();
        for (int i = 0; i < n; ) {
            int j = i + 1;
            while (j < n && pfns[j] == pfns[j - 1] + 1) {
                j++;
            }
            layout.source().read(pfns[i], j - i, pages.asSlice((long) i * ps, (long) (j - i) * ps));
            i = j;
        }
        PageCodec codec = layout.codec();
        long room = layout.room();
        long at = 0;
        for (int i = 0; i < n; i++) {
            MemorySegment page = pages.asSlice((long) i * ps, ps);
            zero[i] = layout.shareZero() && ZeroPage.isZero(page);
            if (zero[i]) {
                lengths[i] = 0;
                continue;
            }
            int len = codec == PageCodec.NONE ? -1 : compressor.compress(page, data.asSlice(at, room));
            // Stored compressed only when that makes the page smaller; otherwise raw with flags 0.
            if (len > 0 && len < ps) {
                flags[i] = codec.flag();
            } else {
                MemorySegment.copy(page, 0, data, at, ps);
                len = ps;
                flags[i] = 0;
            }
            lengths[i] = len;
            at += len;
        }
    }
}
