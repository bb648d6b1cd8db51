package dev.pmemdump.cli.verify;

import dev.pmemdump.filter.report.ReportModel;
import dev.pmemdump.filter.report.SpanKind;
import dev.pmemdump.filter.result.FilterResult;
import dev.pmemdump.filter.result.HtmlRunReport;
import dev.pmemdump.images.Manifest;
import dev.pmemdump.vmcore.elf.ProgramHeader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What verify's HTML page shows of one filtered build: the address map as read back from the dump
 * (kept or not, per PT_LOAD, pmem metadata and user data apart), panic-time against dump hashes, and
 * the filter's counts.
 */
record VerifyMap(DumpCase dumpCase, String title, List<ReportModel.Span> spans, List<ReportModel.RangeHash> hashes,
                 Map<String, Long> counts) {

    static VerifyMap of(DumpCase c, String title, Manifest m, ScenarioVmcore vmcore, DumpScan scan,
                        FilterResult result) throws IOException {
        List<ReportModel.Span> spans = new ArrayList<>();
        long pageSize = m.pageSize();
        List<ProgramHeader> loads = new ArrayList<>(vmcore.loads());
        loads.sort((a, b) -> Long.compareUnsigned(a.paddr(), b.paddr()));
        long covered = 0;
        for (ProgramHeader ph : loads) {
            long start = Math.max(ph.paddr(), covered);
            long end = ph.paddr() + ph.memsz();
            if (end <= start) {
                continue;           // the kernel-text load repeats part of the direct map
            }
            long first = start / pageSize;
            long last = (end + pageSize - 1) / pageSize;
            SpanKind prev = null;
            long runStart = first;
            for (long pfn = first; pfn <= last; pfn++) {
                SpanKind k = pfn == last ? null : kind(ph.isPmem(), pfn, scan, m);
                if (k != prev) {
                    if (prev != null) {
                        spans.add(new ReportModel.Span(runStart * pageSize, pfn * pageSize, prev));
                    }
                    prev = k;
                    runStart = pfn;
                }
            }
            covered = last * pageSize;
        }
        List<ReportModel.RangeHash> hashes = new ArrayList<>();
        for (Manifest.MetadataRange r : m.pmemMetadata()) {
            hashes.add(new ReportModel.RangeHash(r.startPfn(), r.endPfn(), r.sha256(),
                    scan.sha256(r.startPfn(), r.endPfn())));
        }
        return new VerifyMap(c, title, spans, hashes, HtmlRunReport.counts(result));
    }

    private static SpanKind kind(boolean pmem, long pfn, DumpScan scan, Manifest m) {
        boolean kept = pfn < scan.readable().size() && scan.readable().get(pfn);
        if (pmem) {
            for (Manifest.MetadataRange r : m.pmemMetadata()) {
                if (pfn >= r.startPfn() && pfn < r.endPfn()) {
                    return kept ? SpanKind.PMEM_METADATA_KEPT : SpanKind.PMEM_METADATA_DROPPED;
                }
            }
            return kept ? SpanKind.PMEM_USERDATA_KEPT : SpanKind.PMEM_USERDATA_EXCLUDED;
        }
        return kept ? SpanKind.RAM_KEPT : SpanKind.RAM_EXCLUDED;
    }
}
