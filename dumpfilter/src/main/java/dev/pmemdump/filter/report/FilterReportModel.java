package dev.pmemdump.filter.report;

import dev.pmemdump.filter.FilterReport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTML report of one makedumpfile run: the map {@link SpanRecorder} drew, the RFC's hash of
 * each pmem metadata range, the report's page counts under their makedumpfile names, the phase
 * timings. Its one check: no span of pmem user data was kept.
 */
public final class FilterReportModel {
    private FilterReportModel() {}

    public static ReportModel of(String title, String subtitle, FilterReport report, List<ReportModel.Span> map,
                                 Map<String, Double> timingsMs) {
        List<ReportModel.RangeHash> hashes = new ArrayList<>();
        for (FilterReport.MetadataHash h : report.metadataHashes) {
            hashes.add(new ReportModel.RangeHash(h.startPfn(), h.endPfn(), null, h.sha256()));
        }
        List<String> failures = new ArrayList<>();
        for (ReportModel.Span s : map) {
            if (s.kind() == SpanKind.PMEM_USERDATA_KEPT) {
                failures.add("pmem user data kept in the dump: [0x" + Long.toHexString(s.start()) + " - 0x"
                        + Long.toHexString(s.end()) + ")");
            }
        }
        return new ReportModel(title, subtitle, map, hashes, counts(report), timingsMs, failures);
    }

    private static Map<String, Long> counts(FilterReport r) {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("Original pages", r.original());
        c.put("Excluded pages", r.excluded());
        if (r.elfExcluded >= 0) {
            c.put("Excluded pages in ELF format", r.elfExcluded);
        }
        c.put("Pages filled with zero", r.zero);
        c.put("Non-private cache pages", r.cache);
        c.put("Private cache pages", r.cachePrivate);
        c.put("User process data pages", r.user);
        c.put("Free pages", r.free);
        c.put("Hwpoison pages", r.hwpoison);
        c.put("Offline pages", r.offline);
        c.put("pmem metadata pages", r.pmemMetadata);
        c.put("pmem userdata pages", r.pmemUserdata);
        c.put("Remaining pages", r.remaining());
        if (r.elfExcluded >= 0) {
            c.put("Remaining pages in ELF format", r.original() - r.elfExcluded);
        }
        c.put("Memory Hole", r.memoryHole);
        c.put("Total pages", r.maxMapnr);
        return c;
    }
}
