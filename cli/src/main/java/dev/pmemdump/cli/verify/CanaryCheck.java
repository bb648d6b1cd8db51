package dev.pmemdump.cli.verify;

import dev.pmemdump.images.Manifest;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Canaries the manifest says -d 31 keeps must be there (positive control); all others must not,
 * except RAM ones in ELF output: like makedumpfile, -E writes runs of fewer than 256 excluded pages
 * as data (docs/dump-formats.md §3.5). pmem user data is never written in any format.
 */
final class CanaryCheck {
    private CanaryCheck() {}

    static void run(CheckLog log, String scope, Manifest m, DumpScan scan, boolean metadataDropped, boolean elf)
            throws IOException {
        List<String> texts = m.canaries().stream().map(Manifest.CanaryEntry::text).distinct().toList();
        Map<String, Long> found = scan.occurrences(texts);
        for (Manifest.CanaryEntry e : m.canaries()) {
            long n = found.getOrDefault(e.text(), 0L);
            boolean expectKept = e.keptAtD31() && !metadataDropped && !isPmem(e);
            if (isPmem(e)) {
                log.check(scope, "pmem canary absent: " + e.text(), n == 0,
                        n + " occurrence(s) of a " + e.pageClass() + " canary");
            } else if (expectKept) {
                log.check(scope, "canary kept: " + e.text(), n > 0, n + " occurrence(s) of a " + e.pageClass() + " canary");
            } else if (!e.keptAtD31() && !elf) {
                log.check(scope, "canary absent: " + e.text(), n == 0,
                        n + " occurrence(s) of a " + e.pageClass() + " canary");
            }
        }
    }

    static boolean isPmem(Manifest.CanaryEntry e) {
        return e.pageClass().toLowerCase(Locale.ROOT).contains("pmem");
    }

    /** The texts of the canaries planted in pmem user data. */
    static List<String> pmemTexts(Manifest m) {
        return m.canaries().stream().filter(CanaryCheck::isPmem).map(Manifest.CanaryEntry::text).distinct().toList();
    }
}
