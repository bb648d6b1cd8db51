package dev.pmemdump.cli.verify;

import dev.pmemdump.images.Manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Cases A and B: what an unpatched makedumpfile keeps of the same vmcore (all of pmem that is not
 * zero, user data and canaries included), next to pmemdump, which keeps none of it.
 */
final class NegativeControl {
    private static final int KEEP_METADATA = 31;

    private NegativeControl() {}

    static void run(CheckLog log, String scope, Manifest m, ScenarioVmcore vmcore, Path dir,
                    UpstreamMakedumpfile upstream) throws IOException {
        List<String> pmemCanaries = CanaryCheck.pmemTexts(m);
        FilterRun ours = FilterRun.run(vmcore, DumpFormat.ELF, KEEP_METADATA, dir);
        long ourHits = ours.completed() ? hits(ours.dump(), pmemCanaries) : -1;
        Files.deleteIfExists(ours.dump());
        log.check(scope, "pmemdump keeps no pmem user data", ourHits == 0,
                ourHits + " pmem canary occurrence(s) in pmemdump's -d 31 -E output");
        if (upstream == null) {
            return;
        }
        Path dump = dir.resolve("upstream-E-d31.elf");
        UpstreamMakedumpfile.Run r = upstream.run(vmcore.path(), dump, "-E", "-d", "31");
        long upstreamHits = r.exitCode() == 0 ? hits(dump, pmemCanaries) : -1;
        Files.deleteIfExists(dump);
        log.check(scope, "upstream makedumpfile would dump pmem user data", upstreamHits > 0,
                "makedumpfile 1.7.2 -d 31 -E kept " + upstreamHits + " pmem canary occurrence(s)"
                        + (pmemCanaries.isEmpty() ? " (the scenario plants no pmem canary)" : ""));
    }

    private static long hits(Path dump, List<String> texts) throws IOException {
        try (DumpScan scan = DumpScan.open(dump)) {
            return scan.occurrences(texts).values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
