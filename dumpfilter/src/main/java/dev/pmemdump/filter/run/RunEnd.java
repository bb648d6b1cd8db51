package dev.pmemdump.filter.run;

import dev.pmemdump.filter.report.HtmlReport;
import dev.pmemdump.filter.request.DumpRequest;
import dev.pmemdump.filter.request.DumpTarget;
import dev.pmemdump.filter.request.MinidumpRequest;
import dev.pmemdump.filter.result.FilterResult;
import dev.pmemdump.filter.result.HtmlRunReport;
import dev.pmemdump.filter.result.JsonReport;
import dev.pmemdump.filter.result.PrintedReport;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The end of a dump or minidump run, as makedumpfile ends it: the HTML report (when asked), the
 * printed report (report message level), the JSON report (when asked), "The dumpfile is saved to".
 */
final class RunEnd {
    private RunEnd() {}

    static FilterResult finish(DumpRequest req, FilterResult result, Console console, OutputTarget out)
            throws IOException {
        if (req.reports().html().isPresent()) {
            String in = req.vmcore().getFileName().toString();
            String to = switch (req.target()) {
                case DumpTarget.Flattened f -> "standard output";
                case DumpTarget.Split s -> String.join(", ", s.parts().stream().map(Path::toString).toList());
                case DumpTarget.File f -> f.path().toString();
            };
            String subtitle = in + " to " + to + ": -d " + result.dumpLevel() + ", " + req.format().describe()
                    + (req.target() instanceof DumpTarget.Flattened ? ", flattened" : "");
            out.write(req.reports().html().get(), HtmlReport.bytes(HtmlRunReport.of(
                    "pmemdump makedumpfile " + in, subtitle, result)));
        }
        return finish(result, req.reports().json(), req.vmcore(), req.format().describe(), console, out);
    }

    static FilterResult finish(MinidumpRequest req, FilterResult result, Console console, OutputTarget out)
            throws IOException {
        return finish(result, req.jsonReport(), req.vmcore(), "kmemdump core image (--regions)", console, out);
    }

    private static FilterResult finish(FilterResult result, Optional<Path> json, Path input, String format,
                                       Console console, OutputTarget out) throws IOException {
        PrintWriter rep = console.report();
        if (rep != null) {
            steps(result, rep);
            rep.println();
            PrintedReport.print(result, rep);
            rep.println();
            rep.flush();
        }
        if (json.isPresent()) {
            out.write(json.get(), JsonReport.of(result, input, format));
        }
        console.msg(saved(result.outputs()));
        return result;
    }

    /**
     * makedumpfile's "STEP [...] : S.UUUUUU seconds" lines, one per phase of this run under the name of
     * makedumpfile's step that does that work (it prints a line per pass and cycle: more of them).
     */
    private static void steps(FilterResult result, PrintWriter rep) {
        for (var phase : result.timingsMs().entrySet()) {
            String step = switch (phase.getKey()) {
                case "open" -> "Checking for memory holes";
                case "classify" -> "Excluding unnecessary pages";
                case "write" -> "Copying data";
                default -> null;
            };
            if (step != null) {
                long us = Math.round(phase.getValue() * 1000);
                rep.printf("STEP [%-27s] : %d.%06d seconds%n", step, us / 1_000_000, us % 1_000_000);
            }
        }
    }

    /** makedumpfile's closing line: one dumpfile, or the parts of --split joined with ", and ". */
    private static String saved(List<String> outputs) {
        if (outputs.size() == 1) {
            return "\nThe dumpfile is saved to " + outputs.get(0) + ".\n";
        }
        StringBuilder sb = new StringBuilder("\nThe dumpfiles are saved to ");
        for (int i = 0; i < outputs.size(); i++) {
            sb.append(outputs.get(i))
                    .append(i == outputs.size() - 1 ? ".\n" : i == outputs.size() - 2 ? ", and " : ", ");
        }
        return sb.toString();
    }
}
