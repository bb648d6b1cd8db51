package dev.pmemdump.cli.verify;

import dev.pmemdump.filter.level.PageCounter;
import dev.pmemdump.images.ExpectedReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * The real makedumpfile 1.7.2's counts on the same vmcore (-l -d 31), less pmem's share, equal ours.
 * makedumpfile counts pmem pages too (the manifest's {@code eachPfnOnce}), so pmem's share is
 * {@code eachPfnOnce - ramOnly}. Its printed report is matched to ours line by label.
 */
final class UpstreamCountCheck {
    private UpstreamCountCheck() {}

    static void run(CheckLog log, String scope, UpstreamMakedumpfile upstream, ScenarioVmcore vmcore, Path dir,
                    ExpectedReport.Report expected, Map<PageCounter, Long> ours) throws IOException {
        Path dump = dir.resolve("makedumpfile-l-d31.kdump");
        UpstreamMakedumpfile.Run r = upstream.run(vmcore.path(), dump, "-l", "-d", "31");
        Map<PageCounter, Long> all = RamCountCheck.expected(expected.eachPfnOnce());
        Map<PageCounter, Long> ram = RamCountCheck.expected(expected.ramOnly());
        Map<PageCounter, Long> theirs = new EnumMap<>(PageCounter.class);
        for (PageCounter c : ours.keySet()) {
            Long printed = r.counts().get(c);
            theirs.put(c, printed == null ? -1 : printed - (all.get(c) - ram.get(c)));
        }
        log.check(scope, "makedumpfile 1.7.2 RAM counts = ours", r.exitCode() == 0 && theirs.equals(ours),
                "makedumpfile less pmem's share " + RamCountCheck.labelled(theirs) + " (exit " + r.exitCode()
                        + "), ours " + RamCountCheck.labelled(ours));
        Files.deleteIfExists(dump);
    }
}
