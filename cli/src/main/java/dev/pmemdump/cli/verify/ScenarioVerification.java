package dev.pmemdump.cli.verify;

import dev.pmemdump.filter.level.PageCounter;
import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.images.Manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The checks of one filtered build (case C or D, one seed): filter its vmcore at -d 31 in every
 * format and read each dump back (metadata hashes, RAM counts, canaries; libkdumpfile too for one
 * dump), then -d 63 against -d 31, then the counts of the real makedumpfile.
 */
final class ScenarioVerification {
    private static final int KEEP_METADATA = 31;

    private final VerificationRun run;
    private final DumpCase c;
    private final int seed;
    private final Manifest m;
    private final ScenarioVmcore vmcore;
    private final Path dir;

    ScenarioVerification(VerificationRun run, DumpCase c, int seed, Manifest m, ScenarioVmcore vmcore, Path dir) {
        this.run = run;
        this.c = c;
        this.seed = seed;
        this.m = m;
        this.vmcore = vmcore;
        this.dir = dir;
    }

    /** @param wantsMap whether the HTML page wants this case's map (it prefers case D) */
    void check(Predicate<DumpCase> wantsMap) throws IOException {
        CheckLog log = run.log;
        DumpFormat dropFormat = run.dropCheckFormat();
        PageBitmap keptAtD31 = null;
        Map<PageCounter, Long> ourCounts = null;
        for (DumpFormat f : run.formats) {
            String scope = c + " seed " + seed + " " + f.label();
            long t0 = System.nanoTime();
            FilterRun filtered = FilterRun.run(vmcore, f, KEEP_METADATA, dir);
            run.times.add("filter -d 31", t0);
            if (!filtered.completed()) {
                log.fail(scope, "filter -d 31 completes", filtered.failure());
                continue;
            }
            run.tamper.apply(f, filtered.dump(), m);
            RamCountCheck.run(log, scope, filtered.result(), vmcore, m.expectedReport().ramOnly());
            if (ourCounts == null || f == dropFormat) {
                ourCounts = RamCountCheck.ram(filtered.result(), vmcore.metadataZeroPages());
            }
            List<Libkdumpfile.Reading> independent = null;
            if (f == dropFormat && run.libkdumpfile != null) {
                t0 = System.nanoTime();
                independent = run.libkdumpfile.sha256(filtered.dump(), m.pageSize(), m.pmemMetadata());
                run.times.add("read back with libkdumpfile", t0);
            }
            try (DumpScan scan = DumpScan.open(filtered.dump())) {
                t0 = System.nanoTime();
                MetadataHashCheck.run(log, scope, m, scan, filtered.result(), independent, f == DumpFormat.ELF);
                CanaryCheck.run(log, scope, m, scan, false, f == DumpFormat.ELF);
                run.times.add("read back and hash", t0);
                if (f == dropFormat) {
                    keptAtD31 = scan.readable().copy();
                    if (wantsMap.test(c)) {
                        run.map = VerifyMap.of(c, "case " + c + ", seed " + seed + ", -d 31 " + dropFormat.label(), m,
                                vmcore, scan, filtered.result());
                    }
                }
            }
            Files.deleteIfExists(filtered.dump());
        }
        if (keptAtD31 != null) {
            dropMetadata(dropFormat, keptAtD31);
        }
        if (run.upstream != null && ourCounts != null) {
            long t0 = System.nanoTime();
            UpstreamCountCheck.run(log, c + " seed " + seed, run.upstream, vmcore, dir, m.expectedReport(), ourCounts);
            run.times.add("makedumpfile 1.7.2", t0);
        }
    }

    private void dropMetadata(DumpFormat f, PageBitmap keptAtD31) throws IOException {
        String scope = c + " seed " + seed + " " + f.label() + " -d 63";
        long t0 = System.nanoTime();
        FilterRun filtered = FilterRun.run(vmcore, f, DropMetadataCheck.DROP_METADATA, dir);
        run.times.add("filter -d 63", t0);
        if (!filtered.completed()) {
            run.log.fail(scope, "filter -d 63 completes", filtered.failure());
            return;
        }
        DropMetadataCheck.run(run.log, scope, m, filtered, keptAtD31, f == DumpFormat.ELF);
    }
}
