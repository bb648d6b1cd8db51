package dev.pmemdump.cli.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pmemdump.filter.report.HtmlReport;
import dev.pmemdump.filter.report.ReportModel;
import dev.pmemdump.images.Scenario;
import dev.pmemdump.io.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code pmemdump verify}: the main job. For each case and seed, builds the crash scenario, filters
 * its /proc/vmcore in every format and checks the dump against the panic-time manifest and against
 * the real makedumpfile. Exit status 1 names every mismatch.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Build crash scenarios, filter them, and check every pmem metadata hash, page count and "
                + "canary against the panic-time manifest (and makedumpfile 1.7.2 where installed).",
                "Cases: A/B = whole pmem in the dump (negative controls: what upstream makedumpfile keeps), "
                        + "C = memmap in RAM (--map=mem), D = memmap on the device (--map=dev)."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every check passed", "1:a check failed (named on stderr and in the report)",
                "2:bad command line"})
public final class VerifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--scenario", paramLabel = "FILE",
            description = "Scenario JSON (see `pmemdump image scenario --default`); default: the built-in one.")
    Path scenarioFile;

    @Option(names = "--cases", paramLabel = "LIST", defaultValue = "A,B,C,D",
            description = "Cases to run, comma-separated (default: ${DEFAULT-VALUE}).")
    String casesOption;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "1",
            description = "Run seeds 1..N (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--formats", paramLabel = "LIST", defaultValue = "elf,zlib,lzo,snappy,zstd,flat",
            description = "Output formats to check (default: ${DEFAULT-VALUE}).")
    String formatsOption;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where scenarios and dumps are built and kept (default: a temporary directory; each build is removed once checked).")
    Path workDir;

    @Option(names = "--html", paramLabel = "FILE", defaultValue = "pmemdump-verify.html",
            description = "The HTML report to write (default: ${DEFAULT-VALUE}).")
    Path html;

    @Option(names = "--json", description = "Print the checks as JSON instead of a table.")
    boolean json;

    @Option(names = "--no-makedumpfile", description = "Do not compare with an installed makedumpfile.")
    boolean noMakedumpfile;

    @Override
    public Integer call() throws IOException {
        if (seeds < 1 || seeds > 10_000) {
            throw new IllegalArgumentException("--seeds must be between 1 and 10000, got " + seeds);
        }
        List<DumpCase> cases = DumpCase.parse(casesOption);
        List<DumpFormat> formats = DumpFormat.parse(formatsOption);
        Scenario scenario = scenarioFile == null ? Scenario.defaultScenario() : Scenario.read(scenarioFile);
        UpstreamMakedumpfile upstream = noMakedumpfile ? null : UpstreamMakedumpfile.find();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean temporary = workDir == null;
        Path work = temporary ? Files.createTempDirectory("pmemdump-verify") : Files.createDirectories(workDir);
        Libkdumpfile libkdumpfile = Libkdumpfile.find();
        VerificationRun run = new VerificationRun(scenario, cases, seeds, formats, work, upstream, libkdumpfile,
                Progress.onTerminal("Verifying"));
        run.keepBuilds = !temporary;
        long t0 = System.nanoTime();
        try {
            run.run();
        } finally {
            if (temporary) {
                VerificationRun.deleteTree(work);
            }
        }
        run.times.ms.put("total", (System.nanoTime() - t0) / 1e6);
        List<Check> checks = run.checks();
        List<Check> failed = run.log.failed();
        if (upstream == null && !noMakedumpfile) {
            err.println("verify: makedumpfile is not installed: the comparison with makedumpfile 1.7.2 was skipped");
        }
        if (libkdumpfile == null) {
            err.println("verify: python3-libkdumpfile is not installed: metadata was read back by pmemdump's reader alone");
        }
        HtmlReport.write(model(run, failed, cases, formats), html);
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("passed", failed.isEmpty());
            doc.put("checks", checks);
            doc.put("timings_ms", run.times.ms);
            doc.put("html_report", html.toString());
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
        } else {
            printTable(out, checks);
            out.printf("%n%d checks, %d failed; %.1f s; report: %s%n", checks.size(), failed.size(),
                    run.times.ms.get("total") / 1000, html);
        }
        for (Check c : failed) {
            err.println("verify: MISMATCH " + c.scope() + ": " + c.name() + ": " + c.detail());
        }
        out.flush();
        err.flush();
        return failed.isEmpty() ? 0 : 1;
    }

    private static void printTable(PrintWriter out, List<Check> checks) {
        int scopeWidth = checks.stream().mapToInt(c -> c.scope().length()).max().orElse(5);
        int nameWidth = checks.stream().mapToInt(c -> c.name().length()).max().orElse(5);
        out.printf("%-" + scopeWidth + "s  %-" + nameWidth + "s  %-6s %s%n", "scope", "check", "result", "detail");
        for (Check c : checks) {
            out.printf("%-" + scopeWidth + "s  %-" + nameWidth + "s  %-6s %s%n", c.scope(), c.name(),
                    c.passed() ? "ok" : "FAIL", c.detail());
        }
    }

    private ReportModel model(VerificationRun run, List<Check> failed, List<DumpCase> cases, List<DumpFormat> formats) {
        List<String> failures = new ArrayList<>();
        for (Check c : failed) {
            failures.add(c.scope() + ": " + c.name() + ": " + c.detail());
        }
        VerifyMap map = run.map;
        Map<String, Long> counts = new LinkedHashMap<>(map == null ? Map.of() : map.counts());
        counts.put("checks passed", (long) (run.checks().size() - failed.size()));
        counts.put("checks failed", (long) failed.size());
        String subtitle = "cases " + cases + ", seeds 1.." + seeds + ", formats "
                + formats.stream().map(DumpFormat::label).toList() + (map == null ? "" : "; map: " + map.title());
        return new ReportModel("pmemdump verify", subtitle, map == null ? List.of() : map.spans(),
                map == null ? List.of() : map.hashes(), counts, run.times.ms, failures, run.checks().size());
    }
}
