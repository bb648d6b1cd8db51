package dev.pmemdump.filter.report;

import dev.pmemdump.io.AtomicOutput;
import dev.pmemdump.io.OutputRules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link ReportModel} as one self-contained HTML page (inline CSS and SVG, no external
 * resources): a map of the physical address space, the hash table, counts and timings.
 *
 * <p>The map draws each contiguous stretch of memory as its own full-width row (holes between them
 * cost no space, and a small pmem region is as readable as a large RAM one); each pixel column is
 * painted with the kind that covers most of its bytes, so millions of alternating pages still draw
 * in a bounded number of rectangles.
 */
public final class HtmlReport {
    static final int MAP_WIDTH = 1200;
    static final int MAP_HEIGHT = 56;

    private HtmlReport() {}

    /** Writes the page to {@code target}, replacing any file there (verify's --html). */
    public static void write(ReportModel model, Path target) throws IOException {
        AtomicOutput.write(target, OutputRules.REPLACE, bytes(model));
    }

    /** The page as UTF-8 bytes. */
    public static byte[] bytes(ReportModel model) {
        return render(model).getBytes(StandardCharsets.UTF_8);
    }

    public static String render(ReportModel m) {
        StringBuilder h = new StringBuilder(16384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
                .append(esc(m.title())).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:24px;color:#222}")
                .append("table{border-collapse:collapse;margin:8px 0 20px}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}")
                .append("td.num{text-align:right;font-family:monospace}code{font-size:12px}")
                .append(".ok{color:#1a7f37;font-weight:bold}.bad{color:#cf222e;font-weight:bold}")
                .append(".legend span{display:inline-block;width:14px;height:14px;margin:0 4px 0 12px;vertical-align:middle;border:1px solid #888}")
                .append("\n</style></head>\n<body data-rendered=\"no\">\n");
        h.append("<h1>").append(esc(m.title())).append("</h1>\n");
        if (m.subtitle() != null) {
            h.append("<p>").append(esc(m.subtitle())).append("</p>\n");
        }
        h.append(!m.failures().isEmpty()
                ? "<p id=\"verdict\" class=\"bad\">" + m.failures().size() + " check(s) failed.</p>\n"
                : m.checks() == 0 ? "<p id=\"verdict\">Nothing was checked.</p>\n"
                : "<p id=\"verdict\" class=\"ok\">All checks passed.</p>\n");
        if (!m.failures().isEmpty()) {
            h.append("<ul>");
            for (String f : m.failures()) {
                h.append("<li class=\"bad\">").append(esc(f)).append("</li>");
            }
            h.append("</ul>\n");
        }
        h.append("<h2>Physical address space</h2>\n");
        appendMap(h, m.spans());
        appendLegend(h, m.spans());
        appendHashes(h, m.hashes());
        appendTable(h, "Page counts", m.counts(), v -> String.format(Locale.ROOT, "%,d", v));
        appendTable(h, "Timings (ms)", m.timingsMs(), v -> String.format(Locale.ROOT, "%.1f", v));
        // Proves to a headless browser that the document parsed and its script ran.
        h.append("<script>document.body.dataset.rendered=document.querySelector('svg#map')?'ok':'no';</script>\n");
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void appendMap(StringBuilder h, List<ReportModel.Span> spans) {
        List<Placed> rows = rows(spans);
        int rowHeight = MAP_HEIGHT + 22;
        h.append("<svg id=\"map\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(MAP_WIDTH + 2)
                .append("\" height=\"").append(Math.max(1, rows.size()) * rowHeight).append("\" role=\"img\">\n");
        for (int i = 0; i < rows.size(); i++) {
            Placed row = rows.get(i);
            double y = i * rowHeight;
            h.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%.1f\" font-size=\"12\">%s</text>%n",
                    y + 13, esc(range(row.start, row.end))));
            paintColumns(h, row, y + 18, spans);
            h.append(String.format(Locale.ROOT,
                    "<rect x=\"0\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>%n",
                    y + 18, MAP_WIDTH, MAP_HEIGHT - 18));
        }
        h.append("</svg>\n");
    }

    /** One contiguous stretch of memory; each gets a full-width row, so holes cost no space. */
    private record Placed(long start, long end) {}

    private static List<Placed> rows(List<ReportModel.Span> spans) {
        List<Placed> out = new ArrayList<>();
        for (ReportModel.Span s : spans) {
            if (s.kind() == SpanKind.HOLE) {
                continue;
            }
            Placed last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.end == s.start()) {
                out.set(out.size() - 1, new Placed(last.start, s.end()));
            } else {
                out.add(new Placed(s.start(), s.end()));
            }
        }
        return out;
    }

    /** Paints one memory run column by column with the kind holding most bytes in each column. */
    private static void paintColumns(StringBuilder h, Placed p, double y, List<ReportModel.Span> spans) {
        int columns = MAP_WIDTH;
        double bytesPerColumn = (double) (p.end - p.start) / columns;
        SpanKind[] kinds = new SpanKind[columns];
        Map<SpanKind, Double> share = new EnumMap<>(SpanKind.class);
        int si = firstSpanAtOrAfter(spans, p.start);
        for (int c = 0; c < columns; c++) {
            long cs = p.start + (long) (c * bytesPerColumn);
            long ce = c == columns - 1 ? p.end : p.start + (long) ((c + 1) * bytesPerColumn);
            share.clear();
            while (si < spans.size() && spans.get(si).end() <= cs) {
                si++;
            }
            for (int k = si; k < spans.size() && spans.get(k).start() < ce; k++) {
                ReportModel.Span s = spans.get(k);
                double covered = Math.min(ce, s.end()) - Math.max(cs, s.start());
                share.merge(s.kind(), covered, Double::sum);
            }
            kinds[c] = share.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                    .orElse(SpanKind.HOLE);
        }
        int c = 0;
        while (c < columns) {
            int e = c;
            while (e + 1 < columns && kinds[e + 1] == kinds[c]) {
                e++;
            }
            double x = c;
            double w = e + 1 - c;
            long bs = p.start + (long) (c * bytesPerColumn);
            long be = e == columns - 1 ? p.end : p.start + (long) ((e + 1) * bytesPerColumn);
            h.append(String.format(Locale.ROOT,
                    "<rect x=\"%.0f\" y=\"%.1f\" width=\"%.0f\" height=\"%d\" fill=\"%s\"><title>%s %s</title></rect>%n",
                    x, y, w, MAP_HEIGHT - 18, kinds[c].color(), esc(kinds[c].legend()), range(bs, be)));
            c = e + 1;
        }
    }

    private static int firstSpanAtOrAfter(List<ReportModel.Span> spans, long addr) {
        int lo = 0, hi = spans.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (spans.get(mid).end() <= addr) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static void appendLegend(StringBuilder h, List<ReportModel.Span> spans) {
        Map<SpanKind, Long> bytes = new EnumMap<>(SpanKind.class);
        for (ReportModel.Span s : spans) {
            bytes.merge(s.kind(), s.end() - s.start(), Long::sum);
        }
        h.append("<p class=\"legend\">");
        for (Map.Entry<SpanKind, Long> e : bytes.entrySet()) {
            if (e.getKey() == SpanKind.HOLE) {
                continue;
            }
            // data-bytes: the exact total, for scripts and tests (the text is rounded)
            h.append("<span data-kind=\"").append(e.getKey().name()).append("\" data-bytes=\"").append(e.getValue())
                    .append("\" style=\"background:").append(e.getKey().color()).append("\"></span>")
                    .append(esc(e.getKey().legend())).append(" (").append(human(e.getValue())).append(")");
        }
        h.append("</p>\n");
    }

    private static void appendHashes(StringBuilder h, List<ReportModel.RangeHash> hashes) {
        h.append("<h2>pmem metadata ranges</h2>\n");
        if (hashes.isEmpty()) {
            h.append("<p>No metadata ranges.</p>\n");
            return;
        }
        h.append("<table id=\"hashes\"><tr><th>#</th><th>pfn range</th><th>pages</th><th>panic-time sha256</th>")
                .append("<th>dump sha256</th><th>result</th></tr>\n");
        int i = 0;
        for (ReportModel.RangeHash r : hashes) {
            h.append("<tr><td class=\"num\">").append(i++).append("</td><td><code>[0x")
                    .append(Long.toHexString(r.startPfn())).append(" - 0x").append(Long.toHexString(r.endPfn()))
                    .append(")</code></td><td class=\"num\">").append(r.endPfn() - r.startPfn())
                    .append("</td><td><code>").append(r.expected() == null ? "&mdash;" : esc(r.expected()))
                    .append("</code></td><td><code>").append(esc(String.valueOf(r.actual())))
                    .append("</code></td>")
                    // a filter run has only the dump's hash: the panic-time one is for the reader to compare
                    .append(r.expected() == null ? "<td>not compared" : r.matches() ? "<td class=\"ok\">match"
                            : "<td class=\"bad\">MISMATCH")
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static <V> void appendTable(StringBuilder h, String title, Map<String, V> rows,
                                        java.util.function.Function<V, String> fmt) {
        if (rows == null || rows.isEmpty()) {
            return;
        }
        h.append("<h2>").append(esc(title)).append("</h2>\n<table>");
        for (Map.Entry<String, V> e : rows.entrySet()) {
            h.append("<tr><td>").append(esc(e.getKey())).append("</td><td class=\"num\">")
                    .append(fmt.apply(e.getValue())).append("</td></tr>");
        }
        h.append("</table>\n");
    }

    private static String range(long start, long end) {
        return "[0x" + Long.toHexString(start) + " - 0x" + Long.toHexString(end) + ") " + human(end - start);
    }

    static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
