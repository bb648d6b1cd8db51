package dev.pmemdump.filter.result;

import dev.pmemdump.filter.level.PageCounter;
import dev.pmemdump.filter.report.ReportModel;
import dev.pmemdump.filter.report.SpanKind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTML report of one makedumpfile run: the recorded map, the RFC's hash of each pmem metadata
 * range, the report's page counts under their makedumpfile names, the phase timings. Its one check,
 * made only when the vmcore has pmem: no span of pmem user data was kept.
 */
public final class HtmlRunReport {
    private HtmlRunReport() {}

    public static ReportModel of(String title, String subtitle, FilterResult r) {
        List<ReportModel.Span> map = r.map().orElseThrow(() -> new IllegalStateException("no map was recorded"));
        List<ReportModel.RangeHash> hashes = new ArrayList<>();
        for (MetadataHash h : r.metadataHashes()) {
            hashes.add(new ReportModel.RangeHash(h.pfns().start(), h.pfns().end(), null, h.sha256()));
        }
        List<String> failures = new ArrayList<>();
        for (ReportModel.Span s : map) {
            if (s.kind() == SpanKind.PMEM_USERDATA_KEPT) {
                failures.add("pmem user data kept in the dump: [0x" + Long.toHexString(s.start()) + " - 0x"
                        + Long.toHexString(s.end()) + ")");
            }
        }
        boolean pmem = r.counts().get(PageCounter.PMEM_USERDATA) > 0 || !r.metadataHashes().isEmpty();
        return new ReportModel(title, subtitle, map, hashes, counts(r), r.timingsMs(), failures, pmem ? 1 : 0);
    }

    /** The report's figures under makedumpfile's names, in its order (also verify's page). */
    public static Map<String, Long> counts(FilterResult r) {
        Map<String, Long> c = new LinkedHashMap<>();
        for (ReportFigures.Figure f : ReportFigures.of(r)) {
            c.put(f.label(), f.value());
        }
        return c;
    }
}
