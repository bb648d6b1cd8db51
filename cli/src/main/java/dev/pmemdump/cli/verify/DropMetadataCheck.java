package dev.pmemdump.cli.verify;

import dev.pmemdump.filter.level.PageCounter;
import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.images.Manifest;

import java.io.IOException;
import java.nio.file.Files;

/**
 * -d 63 drops exactly the pmem metadata: its dump holds what -d 31's held less the manifest's
 * metadata ranges, the filter counts those pages as pmem metadata, and the canaries still hold.
 */
final class DropMetadataCheck {
    static final int DROP_METADATA = 63;

    private DropMetadataCheck() {}

    static void run(CheckLog log, String scope, Manifest m, FilterRun run, PageBitmap keptAtD31, boolean elf)
            throws IOException {
        try (DumpScan scan = DumpScan.open(run.dump())) {
            PageBitmap expected = keptAtD31.copy();
            long metadataPages = 0;
            for (Manifest.MetadataRange r : m.pmemMetadata()) {
                expected.clearRange(r.startPfn(), Math.min(r.endPfn(), expected.size()));
                metadataPages += r.endPfn() - r.startPfn();
            }
            PageBitmap got = scan.readable();
            long extra = 0;
            long missing = 0;
            long n = Math.max(got.size(), expected.size());
            for (long pfn = 0; pfn < n; pfn++) {
                boolean g = pfn < got.size() && got.get(pfn);
                boolean e = pfn < expected.size() && expected.get(pfn);
                if (g && !e) {
                    extra++;
                } else if (e && !g) {
                    missing++;
                }
            }
            log.check(scope, "-d 0x20 drops exactly the metadata", extra == 0 && missing == 0,
                    metadataPages + " metadata pages dropped; " + extra + " page(s) kept that should not be, "
                            + missing + " other page(s) lost");
            long counted = run.result().counts().get(PageCounter.PMEM_METADATA);
            log.check(scope, "pmem metadata pages counted", counted == metadataPages,
                    "reported " + counted + ", manifest " + metadataPages);
            CanaryCheck.run(log, scope, m, scan, true, elf);
        }
        Files.deleteIfExists(run.dump());
    }
}
