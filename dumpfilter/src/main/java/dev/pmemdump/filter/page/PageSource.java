package dev.pmemdump.filter.page;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Physical pages of a crashed system, whatever file they come from (an ELF /proc/vmcore, a
 * kdump-compressed dump, a flattened stream). The dump writers only see this, so the same writer
 * serves a first capture and a re-filtering of an earlier dump.
 *
 * <p>{@link #read} may be called from several threads at once.
 */
public interface PageSource extends AutoCloseable {

    int pageSize();

    /** Pfns are {@code [0, maxMapnr)}. */
    long maxMapnr();

    /** Pfns backed by memory in the crashed system (makedumpfile's 1st bitmap). */
    PageBitmap present();

    /** Pfns whose content this source holds ({@link #present()} minus pages an earlier filter dropped). */
    PageBitmap readable();

    /** Copies page {@code pfn} into {@code dst[0, pageSize)}; the pfn must be {@link #readable()}. */
    void read(long pfn, byte[] dst) throws IOException;

    /**
     * Copies the {@code count} pages from {@code pfn} on into {@code dst[offset, offset + count *
     * pageSize)}; all must be {@link #readable()}. A source that holds them back to back reads them at
     * once: one system call for a run of pages rather than one per page.
     */
    default void read(long pfn, int count, byte[] dst, int offset) throws IOException {
        int ps = pageSize();
        byte[] page = new byte[ps];
        for (int i = 0; i < count; i++) {
            read(pfn + i, page);
            System.arraycopy(page, 0, dst, offset + i * ps, ps);
        }
    }

    /**
     * As {@link #read(long, int, byte[], int)}, into {@code dst[0, count * pageSize)}. A source that reads a
     * file overrides it to read straight into a native {@code dst}, without a copy through the Java heap.
     */
    default void read(long pfn, int count, MemorySegment dst) throws IOException {
        byte[] pages = new byte[Math.multiplyExact(count, pageSize())];
        read(pfn, count, pages, 0);
        MemorySegment.copy(pages, 0, dst, ValueLayout.JAVA_BYTE, 0, pages.length);
    }

    /** Notes and identity of the crash, carried into every output. */
    CrashInfo crashInfo();

    /** The file or device the pages come from, for messages. */
    String name();

    @Override
    void close() throws IOException;
}
