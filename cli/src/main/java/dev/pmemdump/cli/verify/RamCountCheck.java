package dev.pmemdump.cli.verify;

import dev.pmemdump.filter.level.PageCounter;
import dev.pmemdump.filter.result.FilterResult;
import dev.pmemdump.images.ExpectedReport;

import java.util.EnumMap;
import java.util.Map;

/**
 * The filter's RAM page counts equal the manifest's: each counter a scenario plants pages for
 * ({@link PageCounter#manifestField()}). pmemdump drops pmem user data unread, so its counts are the
 * RAM loads' ({@code ramOnly}), except that kept pmem metadata is zero-checked like any kept page.
 */
final class RamCountCheck {
    static final String NAME = "RAM page counts = manifest";

    private RamCountCheck() {}

    static void run(CheckLog log, String scope, FilterResult result, ScenarioVmcore vmcore,
                    ExpectedReport.Counts ramOnly) {
        Map<PageCounter, Long> ours = ram(result, vmcore.metadataZeroPages());
        Map<PageCounter, Long> expected = expected(ramOnly);
        log.check(scope, NAME, ours.equals(expected), "ours " + labelled(ours) + ", manifest " + labelled(expected));
    }

    /** The manifest's prediction of each counter it has a field for. */
    static Map<PageCounter, Long> expected(ExpectedReport.Counts counts) {
        Map<PageCounter, Long> m = new EnumMap<>(PageCounter.class);
        for (PageCounter c : PageCounter.values()) {
            c.manifestField().ifPresent(f -> m.put(c, counts.get(f)));
        }
        return m;
    }

    /** The filter's counts of RAM pages: its zero count less the zero pages of pmem metadata. */
    static Map<PageCounter, Long> ram(FilterResult result, long metadataZeroPages) {
        Map<PageCounter, Long> m = new EnumMap<>(PageCounter.class);
        for (PageCounter c : PageCounter.values()) {
            if (c.manifestField().isPresent()) {
                long n = result.counts().get(c);
                m.put(c, c == PageCounter.ZERO ? n - metadataZeroPages : n);
            }
        }
        return m;
    }

    /** {@code {Pages filled with zero=12, ...}}: makedumpfile's words, for a mismatch's detail. */
    static String labelled(Map<PageCounter, Long> counts) {
        StringBuilder sb = new StringBuilder("{");
        counts.forEach((c, n) -> sb.append(sb.length() > 1 ? ", " : "").append(c.label()).append('=').append(n));
        return sb.append('}').toString();
    }
}
