package dev.pmemdump.filter.report;

import dev.pmemdump.testing.OracleTest;
import dev.pmemdump.testing.UnitTest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

@UnitTest
class HtmlReportTest {
    @TempDir
    Path dir;

    private static final long MiB = 1L << 20;

    static ReportModel sample(boolean mismatch) {
        List<ReportModel.Span> spans = new ArrayList<>();
        spans.add(new ReportModel.Span(0, 640 * 1024, SpanKind.RAM_KEPT));
        spans.add(new ReportModel.Span(MiB, 200 * MiB, SpanKind.RAM_FREE));
        // many alternating small spans: the map must still draw a bounded number of rectangles
        for (long a = 200 * MiB; a < 400 * MiB; a += 8192) {
            spans.add(new ReportModel.Span(a, a + 4096, SpanKind.RAM_USER));
            spans.add(new ReportModel.Span(a + 4096, a + 8192, SpanKind.RAM_CACHE));
        }
        spans.add(new ReportModel.Span(4096 * MiB, 4098 * MiB, SpanKind.PMEM_METADATA_KEPT));
        spans.add(new ReportModel.Span(4098 * MiB, 4224 * MiB, SpanKind.PMEM_USERDATA_EXCLUDED));
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("pmem metadata pages", 512L);
        counts.put("pmem userdata pages", 32256L);
        Map<String, Double> timings = new LinkedHashMap<>();
        timings.put("filter", 12.5);
        List<ReportModel.RangeHash> hashes = List.of(
                new ReportModel.RangeHash(0x100000, 0x100200, "aa", mismatch ? "bb" : "aa"));
        return new ReportModel("default scenario, case D", "-d 31, lzo", spans, hashes, counts, timings,
                mismatch ? List.of("range 0 hash differs") : List.of(), 1);
    }

    @Test
    void pageIsSelfContainedAndBounded() {
        String html = HtmlReport.render(sample(false));
        assertFalse(html.contains("http://") && html.replace("http://www.w3.org/2000/svg", "").contains("http://"),
                "no external resources");
        assertTrue(html.contains("All checks passed."));
        long rects = html.lines().filter(l -> l.startsWith("<rect")).count();
        assertTrue(rects <= 3L * (HtmlReport.MAP_WIDTH + 1), "rectangles: " + rects);
        assertTrue(html.contains(SpanKind.PMEM_USERDATA_EXCLUDED.color()));
        ReportModel none = sample(false);
        String unchecked = HtmlReport.render(new ReportModel(none.title(), none.subtitle(), none.spans(), none.hashes(),
                none.counts(), none.timingsMs(), List.of(), 0));
        assertTrue(unchecked.contains("Nothing was checked.") && !unchecked.contains("All checks passed"));
        String bad = HtmlReport.render(sample(true));
        assertTrue(bad.contains("MISMATCH") && bad.contains("1 check(s) failed."));
    }

    @Test
    void overlappingSpansAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ReportModel("t", null,
                List.of(new ReportModel.Span(0, 10, SpanKind.RAM_KEPT), new ReportModel.Span(5, 20, SpanKind.RAM_FREE)),
                List.of(), Map.of(), Map.of(), List.of(), 0));
    }

    /** Renders the page in real headless Chromium: the script ran, and the map's colours are on screen. */
    @OracleTest
    @Test
    void rendersInHeadlessChromium() throws IOException {
        Chromium chromium = new Chromium(dir);
        Path page = dir.resolve("report.html");
        HtmlReport.write(sample(false), page);
        chromium.assertRendered(page);
        BufferedImage img = chromium.screenshot(page);
        for (SpanKind k : List.of(SpanKind.RAM_KEPT, SpanKind.RAM_FREE, SpanKind.PMEM_METADATA_KEPT,
                SpanKind.PMEM_USERDATA_EXCLUDED)) {
            assertTrue(Chromium.countColor(img, k.color()) > 20, "colour of " + k + " not on screen");
        }
    }
}
