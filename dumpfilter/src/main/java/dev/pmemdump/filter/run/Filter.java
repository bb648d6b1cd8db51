package dev.pmemdump.filter.run;

import dev.pmemdump.filter.DumpInput;
import dev.pmemdump.filter.dmesg.PrintkRing;
import dev.pmemdump.filter.flat.FlattenedReader;
import dev.pmemdump.filter.kdump.KdumpReassembler;
import dev.pmemdump.filter.page.FileSink;
import dev.pmemdump.filter.request.DmesgRequest;
import dev.pmemdump.filter.request.DumpRequest;
import dev.pmemdump.filter.request.FilterRequest;
import dev.pmemdump.filter.request.MinidumpRequest;
import dev.pmemdump.filter.request.RearrangeRequest;
import dev.pmemdump.filter.request.ReassembleRequest;
import dev.pmemdump.filter.result.FilterResult;
import dev.pmemdump.io.AtomicOutput;
import dev.pmemdump.io.OutputRules;
import dev.pmemdump.io.OutputSet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The filter as a library: runs one {@link FilterRequest}, writes the report files it asks for and
 * returns the {@link FilterResult}. Messages go to the {@link Console} at makedumpfile's levels
 * ({@link Console#silent()} for none). Failures are thrown; the command line turns them into
 * makedumpfile's message and exit status.
 */
public final class Filter {
    private Filter() {}

    /** Runs {@code request}, replacing existing output files (a library caller's choice), all or none. */
    public static FilterResult run(FilterRequest request, Console console) throws IOException {
        try (OutputSet outputs = new OutputSet(OutputRules.REPLACE)) {
            FilterResult result = run(request, console, outputs);
            outputs.commit();
            return result;
        }
    }

    /**
     * Runs {@code request} creating every output file in {@code outputs}; the caller commits the set
     * once the run succeeded (and may add its own files to it first).
     */
    public static FilterResult run(FilterRequest request, Console console, OutputSet outputs) throws IOException {
        OutputTarget out = new OutputTarget(outputs);
        // instanceof, not a type switch (here and on the rest of a dump's path): the first run of a type
        // switch generates and loads a class, milliseconds of a capture's start-up the AOT cache cannot keep
        if (request instanceof DumpRequest d) {
            return RunEnd.finish(d, DumpRun.run(d, console, out), console, out);
        } else if (request instanceof MinidumpRequest m) {
            return RunEnd.finish(m, MinidumpRun.run(m, console, out), console, out);
        } else if (request instanceof DmesgRequest d) {
            return dmesg(d, console, out);
        } else if (request instanceof RearrangeRequest r) {
            return rearrange(r, console, out);
        }
        return reassemble((ReassembleRequest) request, console, out);
    }

    /**
     * Runs {@code request} on {@code input}, which must be {@code request.vmcore()} opened; the caller
     * closes it. For callers that filter one vmcore several times (verification) and open it once.
     */
    public static FilterResult run(DumpRequest request, DumpInput input, Console console) throws IOException {
        try (OutputSet outputs = new OutputSet(OutputRules.REPLACE)) {
            OutputTarget out = new OutputTarget(outputs);
            FilterResult result = RunEnd.finish(request, DumpRun.run(request, input, console, System.nanoTime(), out),
                    console, out);
            outputs.commit();
            return result;
        }
    }

    private static FilterResult dmesg(DmesgRequest req, Console console, OutputTarget out) throws IOException {
        try (DumpInput input = DumpInput.open(req.vmcore(), req.reading())) {
            if (input.vmcoreinfo().has("OSRELEASE")) {
                KernelVersion.notice(console, input.vmcoreinfo().osRelease(), 1);
            }
            byte[] log = PrintkRing.read(input.vmcoreinfo(), input.kernel(), req.partial())
                    .getBytes(StandardCharsets.ISO_8859_1);
            if (req.logfile().isPresent()) {
                out.write(req.logfile().get(), log);
            } else {
                // -F: makedumpfile writes the log text itself to standard output (no flattened records)
                req.stdout().write(log);
                req.stdout().flush();
            }
        }
        String name = req.logfile().map(Path::toString).orElse(Written.STDOUT);
        console.msg("\nThe dmesg log is saved to " + name + ".\n");
        return FilterResult.outputsOnly(List.of(name));
    }

    private static FilterResult reassemble(ReassembleRequest req, Console console, OutputTarget out)
            throws IOException {
        try (KdumpReassembler parts = new KdumpReassembler(req.parts()); AtomicOutput ao = out.create(req.output())) {
            parts.write(FileSink.of(ao), console.copyProgress());
            ao.commit();
        }
        console.msg("\nThe dumpfile is saved to " + req.output() + ".\n");
        return FilterResult.outputsOnly(List.of(req.output().toString()));
    }

    private static FilterResult rearrange(RearrangeRequest req, Console console, OutputTarget out) throws IOException {
        try (AtomicOutput ao = out.create(req.output())) {
            new FlattenedReader("stdin", req.flattened()).rebuild(FileSink.of(ao));
            ao.commit();
        }
        console.msg("\nThe dumpfile is saved to " + req.output() + ".\n");
        return FilterResult.outputsOnly(List.of(req.output().toString()));
    }
}
