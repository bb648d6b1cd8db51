package dev.pmemdump.filter.run;

import dev.pmemdump.filter.DumpInput;
import dev.pmemdump.filter.dmesg.PrintkRing;
import dev.pmemdump.filter.flat.FlattenedReader;
import dev.pmemdump.filter.page.FileSink;
import dev.pmemdump.filter.request.DmesgRequest;
import dev.pmemdump.filter.request.DumpRequest;
import dev.pmemdump.filter.request.FilterRequest;
import dev.pmemdump.filter.request.MinidumpRequest;
import dev.pmemdump.filter.request.RearrangeRequest;
import dev.pmemdump.filter.result.FilterResult;
import dev.pmemdump.io.AtomicOutput;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The filter as a library: runs one {@link FilterRequest}, writes the report files it asks for and
 * returns the {@link FilterResult}. Messages go to the {@link Console} at makedumpfile's levels
 * ({@link Console#silent()} for none). Failures are thrown; the command line turns them into
 * makedumpfile's message and exit status.
 */
public final class Filter {
    private Filter() {}

    public static FilterResult run(FilterRequest request, Console console) throws IOException {
        return switch (request) {
            case DumpRequest d -> RunEnd.finish(d, DumpRun.run(d, console), console);
            case MinidumpRequest m -> RunEnd.finish(m, MinidumpRun.run(m, console), console);
            case DmesgRequest d -> dmesg(d, console);
            case RearrangeRequest r -> rearrange(r, console);
        };
    }

    /**
     * Runs {@code request} on {@code input}, which must be {@code request.vmcore()} opened; the caller
     * closes it. For callers that filter one vmcore several times (verification) and open it once.
     */
    public static FilterResult run(DumpRequest request, DumpInput input, Console console) throws IOException {
        return RunEnd.finish(request, DumpRun.run(request, input, console, System.nanoTime()), console);
    }

    private static FilterResult dmesg(DmesgRequest req, Console console) throws IOException {
        try (DumpInput input = DumpInput.open(req.vmcore())) {
            byte[] log = PrintkRing.read(input.vmcoreinfo(), input.kernel()).getBytes(StandardCharsets.ISO_8859_1);
            OutputTarget.write(req.logfile(), log);
        }
        console.msg("\nThe dmesg log is saved to " + req.logfile() + ".\n");
        return FilterResult.outputsOnly(List.of(req.logfile().toString()));
    }

    private static FilterResult rearrange(RearrangeRequest req, Console console) throws IOException {
        try (AtomicOutput ao = OutputTarget.create(req.output())) {
            new FlattenedReader("stdin", req.flattened()).rebuild(new FileSink(ao.channel()));
            ao.commit();
        }
        console.msg("\nThe dumpfile is saved to " + req.output() + ".\n");
        return FilterResult.outputsOnly(List.of(req.output().toString()));
    }
}
