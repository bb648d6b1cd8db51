package dev.pmemdump.cli.verify;

import dev.pmemdump.filter.result.FilterResult;
import dev.pmemdump.images.Manifest;

import java.io.IOException;
import java.util.List;

/**
 * Every pmem metadata range of the manifest reads back from the dump with its panic-time sha256,
 * through our reader and, where given, an independent one (libkdumpfile); and the filter reported a
 * hash line for each.
 */
final class MetadataHashCheck {
    private MetadataHashCheck() {}

    /**
     * @param independent libkdumpfile's reading per range ({@link Libkdumpfile#sha256}), or null
     * @param elf         ELF output, where a page past p_filesz is a page of zeros
     */
    static void run(CheckLog log, String scope, Manifest m, DumpScan scan, FilterResult result,
                    List<Libkdumpfile.Reading> independent, boolean elf) throws IOException {
        int i = 0;
        for (Manifest.MetadataRange r : m.pmemMetadata()) {
            String got = scan.sha256(r.startPfn(), r.endPfn());
            Libkdumpfile.Reading theirs = independent == null ? null : independent.get(i);
            boolean passed = r.sha256().equals(got) && (theirs == null
                    || (r.sha256().equals(theirs.sha256()) && (elf || theirs.unreadable() == 0)));
            log.check(scope, "metadata range " + i + " sha256", passed,
                    String.format("pfn [0x%x - 0x%x) %s: panic %s, dump %s%s", r.startPfn(), r.endPfn(), r.namespace(),
                            r.sha256(), got == null ? "(pages missing: " + (r.endPfn() - r.startPfn()
                                    - scan.pages(r.startPfn(), r.endPfn())) + ")" : got,
                            independent == null ? "" : ", libkdumpfile " + theirs));
            i++;
        }
        long reported = result.metadataHashes().size();
        log.check(scope, "filter reports every metadata range", reported == m.pmemMetadata().size(),
                reported + " reported, " + m.pmemMetadata().size() + " in the manifest");
    }
}
