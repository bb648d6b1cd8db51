package dev.pmemdump.cli.verify;

import dev.pmemdump.filter.request.DumpRequest;
import dev.pmemdump.filter.request.DumpTarget;
import dev.pmemdump.filter.request.PmemSources;
import dev.pmemdump.filter.request.RearrangeRequest;
import dev.pmemdump.filter.request.Reports;
import dev.pmemdump.filter.result.FilterResult;
import dev.pmemdump.filter.run.Console;
import dev.pmemdump.filter.run.Filter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One run of the filter as a library on a scenario's vmcore (opened once for all runs), with its
 * typed result; -F output is rebuilt with -R, as a kdump script's pipe would.
 *
 * @param dump    the dumpfile written (rebuilt from the flattened stream for -F)
 * @param result  what the filter reports, or null when it failed
 * @param failure the filter's one-line error, or null
 */
record FilterRun(Path dump, FilterResult result, String failure) {

    static FilterRun run(ScenarioVmcore vmcore, DumpFormat format, int dumpLevel, Path outDir) throws IOException {
        String base = format.label() + "-d" + dumpLevel;
        Path dump = outDir.resolve(base + ".dump");
        try {
            if (!format.flattened()) {
                return new FilterRun(dump, filter(vmcore, format, dumpLevel, new DumpTarget.File(dump)), null);
            }
            Path flat = outDir.resolve(base + ".flat");
            try {
                FilterResult result;
                try (OutputStream os = Files.newOutputStream(flat)) {
                    result = filter(vmcore, format, dumpLevel, new DumpTarget.Flattened(os));
                }
                try (InputStream is = Files.newInputStream(flat)) {
                    Filter.run(new RearrangeRequest(is, dump), Console.silent());
                }
                return new FilterRun(dump, result, null);
            } finally {
                Files.deleteIfExists(flat);
            }
        } catch (IOException | UncheckedIOException | IllegalArgumentException | UnsupportedOperationException e) {
            return new FilterRun(dump, null, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static FilterResult filter(ScenarioVmcore vmcore, DumpFormat format, int dumpLevel, DumpTarget target)
            throws IOException {
        DumpRequest request = new DumpRequest(vmcore.path(), dumpLevel, format.output(), target, 0, PmemSources.NONE,
                Reports.NONE);
        return Filter.run(request, vmcore.input(), Console.silent());
    }

    boolean completed() {
        return result != null;
    }
}
