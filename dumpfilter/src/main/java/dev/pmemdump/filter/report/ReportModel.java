package dev.pmemdump.filter.report;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the human-readable report of one filter or verification run shows: the physical
 * address map, the per-range metadata hashes, page counts, timings and any failed checks.
 *
 * @param title     first heading, e.g. the scenario or vmcore name
 * @param subtitle  one line under it (case, dump level, format)
 * @param spans     physical address spans in ascending, non-overlapping order
 * @param hashes    per metadata range: panic-time and dump sha256
 * @param counts    page counts by name, in display order
 * @param timingsMs step durations in milliseconds, in display order
 * @param failures  failed checks, each a sentence; empty when everything matched
 * @param checks    how many checks were made: with none, the page says nothing was checked rather
 *                  than that everything passed
 */
public record ReportModel(String title, String subtitle, List<Span> spans, List<RangeHash> hashes,
                          Map<String, Long> counts, Map<String, Double> timingsMs, List<String> failures,
                          int checks) {

    public ReportModel {
        Objects.requireNonNull(title);
        spans = List.copyOf(spans);
        hashes = List.copyOf(hashes);
        failures = List.copyOf(failures);
        for (int i = 0; i < spans.size(); i++) {
            Span s = spans.get(i);
            if (s.end() <= s.start()) {
                throw new IllegalArgumentException("empty span at index " + i + ": " + s);
            }
            if (i > 0 && Long.compareUnsigned(spans.get(i - 1).end(), s.start()) > 0) {
                throw new IllegalArgumentException("spans overlap or are unsorted at index " + i);
            }
        }
    }

    /** {@code [start, end)} physical bytes of one kind. */
    public record Span(long start, long end, SpanKind kind) {}

    /** One metadata range {@code [startPfn, endPfn)} with its expected and observed sha256. */
    public record RangeHash(long startPfn, long endPfn, String expected, String actual) {
        public boolean matches() {
            return expected != null && expected.equals(actual);
        }
    }
}
