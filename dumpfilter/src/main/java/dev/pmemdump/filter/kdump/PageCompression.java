package dev.pmemdump.filter.kdump;

import dev.pmemdump.filter.page.PageSource;
import dev.pmemdump.filter.page.WindowedBitmap;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The dumpable pages of {@code [from, to)} read and compressed in chunks, handed out in pfn order.
 * With more than one thread, the caller (the writer) lists the pfns of a ring of chunks and queues
 * them; each worker takes the next queued chunk, reads and compresses it on its own, so a worker
 * never waits for another's share nor for the writer while a chunk is free. The writer takes the
 * chunks back in ring order, which is pfn order: the pages come out the same whatever the thread
 * count. Memory is the ring's: {@link #RING_PER_THREAD} chunks per worker, two more for the writer.
 */
final class PageCompression implements AutoCloseable {
    /** 512 KiB of 4 KiB pages a chunk: one hand-off costs microseconds, a chunk's work about a millisecond. */
    private static final int CHUNK_PAGES = 128;
    private static final int RING_PER_THREAD = 2;

    private final WindowedBitmap dumpable;
    private final long to;
    private final PageChunk[] ring;
    private final BlockingQueue<PageChunk> queue = new LinkedBlockingQueue<>();
    private final List<Thread> workers = new ArrayList<>();
    /** Queued after the last chunk by {@link #close()}: a worker that takes it ends. */
    private final PageChunk stop;
    /** The inline compressor when there are no workers. */
    private final PageCodec.PageCompressor inline;
    private long cursor;
    private int head;
    private int inFlight;
    private PageChunk handedOut;

    /** {@code dumpable} is asked for its windows in order, from this (the writing) thread only. */
    PageCompression(PageSource source, PageCodec codec, int threads, boolean shareZero, WindowedBitmap dumpable,
                    long from, long to) throws IOException {
        this.dumpable = dumpable;
        this.to = to;
        this.cursor = dumpable.nextSet(from, to);
        PageChunk.Layout layout = new PageChunk.Layout(source, codec, shareZero);
        this.stop = new PageChunk(layout, 0, false);
        this.ring = new PageChunk[threads > 1 ? RING_PER_THREAD * threads + 2 : 1];
        for (int i = 0; i < ring.length; i++) {
            ring[i] = new PageChunk(layout, CHUNK_PAGES, threads > 1);
        }
        this.inline = threads > 1 ? null : codec.newCompressor();
        for (int t = 0; threads > 1 && t < threads; t++) {
            PageCodec.PageCompressor compressor = codec.newCompressor();
            workers.add(Thread.ofPlatform().name("kdump-compress").daemon().start(() -> work(compressor)));
        }
    }

    /** The next chunk, compressed; null after the last. Valid until the next call. */
    PageChunk next() throws IOException {
        if (inline != null) {
            PageChunk c = ring[0];
            if (collect(c) == 0) {
                return null;
            }
            c.fill(inline);
            return c;
        }
        if (handedOut == null) {
            for (PageChunk c : ring) {  // the first call
                queueIfAny(c);
            }
        } else {
            queueIfAny(handedOut);      // the chunk the writer is done with takes the next pfns
        }
        if (inFlight == 0) {
            return null;
        }
        PageChunk c = ring[head];
        head = (head + 1) % ring.length;
        inFlight--;
        c.awaitDone();
        handedOut = c;
        return c;
    }

    /** Ends the workers (after the chunk each is on) and frees the chunks. */
    @Override
    public void close() {
        queue.clear();
        for (int t = 0; t < workers.size(); t++) {
            queue.add(stop);
        }
        boolean interrupted = false;
        for (Thread w : workers) {
            while (w.isAlive()) {
                try {
                    w.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        stop.close();
        for (PageChunk c : ring) {
            c.close();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void queueIfAny(PageChunk c) throws IOException {
        if (collect(c) > 0) {
            c.queued();
            queue.add(c);
            inFlight++;
        }
    }

    /** Lists the next dumpable pfns into {@code c}. */
    private int collect(PageChunk c) throws IOException {
        int n = 0;
        for (; n < c.capacity() && cursor >= 0; cursor = dumpable.nextSet(cursor + 1, to)) {
            c.pfns()[n++] = cursor;
        }
        c.size(n);
        return n;
    }

    private void work(PageCodec.PageCompressor compressor) {
        for (;;) {
            PageChunk c;
            try {
                c = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (c == stop) {
                return;
            }
            c.fillReporting(compressor);
        }
    }
}
