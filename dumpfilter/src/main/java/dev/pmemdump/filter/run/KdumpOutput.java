package dev.pmemdump.filter.run;

import dev.pmemdump.filter.kdump.KdumpHeader;
import dev.pmemdump.filter.kdump.KdumpWriter;
import dev.pmemdump.filter.kdump.PageCodec;
import dev.pmemdump.filter.kdump.SplitBlocks;
import dev.pmemdump.filter.level.PageCounter;
import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.filter.page.PageSource;
import dev.pmemdump.filter.page.WindowedBitmap;
import dev.pmemdump.filter.request.DumpTarget;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * kdump-compressed output, decided a window of pfns at a time ({@link DumpableWindows}) and written to one
 * file, split parts or a flattened stream. Zero pages are found as they are written (-d 1 shares one
 * zero page).
 */
final class KdumpOutput {
    private KdumpOutput() {}

    /** @param refiltering the input is a kdump-compressed dump (makedumpfile then keeps its bitmaps in a file) */
    static Written write(PageSource source, boolean refiltering, PageDecision decision,
                         DumpableWindows.Replay replay, PageCodec codec, int threads, DumpTarget target,
                         Console console, Timings timings, OutputTarget out) throws IOException {
        PageBitmap present = source.present();
        if (codec == PageCodec.LZO) {
            String builtIn = PageCodec.nativeLzoUnavailableReason();
            console.debug(builtIn == null ? "LZO1X-1: liblzo2\n" : "LZO1X-1: built-in (" + builtIn + ")\n");
        }
        long started = System.nanoTime();
        DumpableWindows dumpable = new DumpableWindows(source.readable(), WindowedBitmap.WINDOW_PFNS, decision,
                replay);
        dumpable.window(0); // the first window (for most dumps all of them) before the writing starts
        started = timings.lap("classify", started);
        int dumpfiles = target instanceof DumpTarget.Split s ? s.parts().size() : 1;
        KdumpWriter.Options whole = KdumpWriter.Options.whole(decision.level(), codec, workers(threads)).withWholeBitmaps(
                KdumpWriter.bitmapsInFile(refiltering, source.maxMapnr(), dumpfiles));
        Written w;
        // instanceof, not a type switch: see Filter#run
        if (target instanceof DumpTarget.File f) {
            w = new Written(out.file(f.path(),
                    sink -> writer(source, whole, decision).write(present, dumpable, sink, console.copyProgress()),
                    KdumpHeader::markIncomplete),
                    List.of(f.path().toString()), OptionalLong.empty());
        } else if (target instanceof DumpTarget.Flattened f) {
            w = new Written(out.flattened(f.out(),
                    sink -> writer(source, whole, decision).write(present, dumpable, sink, console.copyProgress())),
                    List.of(Written.STDOUT), OptionalLong.empty());
        } else {
            w = split(source, whole, present, dumpable, (DumpTarget.Split) target, decision, console, out);
        }
        timings.lap("write", started);
        return w;
    }

    /**
     * Compression workers for --num-threads: no more than the processors this process may run on. More
     * cannot compress faster, and on one processor (a capture kernel often has one) the workers and the
     * writer would only take turns: the pages are compressed in the writing thread, as without the option.
     * The dump is the same whatever the count.
     */
    private static int workers(int threads) {
        return Math.max(1, Math.min(threads, Runtime.getRuntime().availableProcessors()));
    }

    /** The writer tells the ledger each page it stores as the shared zero page. */
    private static KdumpWriter writer(PageSource source, KdumpWriter.Options options, PageDecision decision) {
        return new KdumpWriter(source, options, pfn -> decision.ledger().exclude(pfn, pfn + 1, PageCounter.ZERO));
    }

    private static Written split(PageSource source, KdumpWriter.Options base, PageBitmap present,
                                 DumpableWindows dumpable,
                                 DumpTarget.Split split, PageDecision decision, Console console, OutputTarget out)
            throws IOException {
        List<Path> parts = split.parts();
        long[] bounds = SplitBlocks.bounds(dumpable, parts.size(), source.maxMapnr(), split.splitblockSize(),
                source.pageSize());
        long bytes = out.parts(parts, i -> {
            KdumpWriter.Options o = new KdumpWriter.Options(base.dumpLevel(), base.codec(), base.threads(), true,
                    bounds[i], bounds[i + 1], base.wholeBitmaps());
            return sink -> writer(source, o, decision).write(present, dumpable, sink, console.copyProgress());
        }, KdumpHeader::markIncomplete);
        return new Written(bytes, parts.stream().map(Path::toString).toList(), OptionalLong.empty());
    }
}
