package dev.pmemdump.filter.run;

import dev.pmemdump.filter.kdump.PageCodec;
import dev.pmemdump.filter.request.DumpRequest;
import dev.pmemdump.filter.request.DumpTarget;
import dev.pmemdump.filter.request.OutputFormat;
import dev.pmemdump.io.Libc;

/**
 * Links the native calls a dump run will make (liblzo2's compressor for -l, the C library's calls of
 * the dump file's writeback) on a daemon thread while the main thread opens the input and decides
 * the pages. Linking a downcall generates and loads code: about 30 ms of a 0.2 s -l run of a small
 * vmcore were spent there on the main thread, after the pages were decided and before the first
 * was written. Only a head start: the main thread's first use waits for a link in progress (class
 * initialisation, a synchronized resolve) or does it itself, and gets the same result either way.
 */
final class LinkAhead {
    private LinkAhead() {}

    static void start(DumpRequest req) {
        boolean lzo = req.format() instanceof OutputFormat.Kdump k && k.codec() == PageCodec.LZO;
        // the writeback of a file the run syncs; a flattened stream or a dry run has none
        boolean writeback = !req.dryRun() && !(req.target() instanceof DumpTarget.Flattened);
        if (!lzo && !writeback) {
            return;
        }
        Thread t = new Thread(() -> {
            if (lzo) {
                PageCodec.nativeLzoUnavailableReason();
            }
            if (writeback) {
                Libc.linkWriteback();
            }
        }, "link-ahead");
        t.setDaemon(true);
        t.start();
    }
}
