package dev.pmemdump.filter.run;

import dev.pmemdump.filter.DumpInput;
import dev.pmemdump.filter.ledger.ExclusionLedger;
import dev.pmemdump.filter.page.PageSource;
import dev.pmemdump.filter.report.ReportModel;
import dev.pmemdump.filter.report.SpanRecorder;
import dev.pmemdump.filter.request.DumpRequest;
import dev.pmemdump.filter.request.DumpTarget;
import dev.pmemdump.filter.request.OutputFormat;
import dev.pmemdump.filter.result.FilterResult;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** makedumpfile's main mode as a pipeline: open input, pmem policy, classification, writer. */
final class DumpRun {
    private DumpRun() {}

    static FilterResult run(DumpRequest req, Console console, OutputTarget out) throws IOException {
        long started = System.nanoTime();
        LinkAhead.start(req);
        try (DumpInput input = DumpInput.open(req.vmcore(), req.reading())) {
            return run(req, input, console, started, out);
        }
    }

    /** On an input already opened (the caller closes it); {@code started} begins the "open" phase. */
    static FilterResult run(DumpRequest req, DumpInput input, Console console, long started, OutputTarget out)
            throws IOException {
        Timings timings = new Timings();
        int level = req.dumpLevel() | input.storedDumpLevel();
        PageSource source = input.source();
        ExclusionLedger ledger = req.reports().html().isPresent() ? ExclusionLedger.recording()
                : ExclusionLedger.counting();
        LoadTable.print(console, input);
        if (input.vmcoreinfo().has("OSRELEASE")) {
            // makedumpfile's --split children each check again
            KernelVersion.notice(console, input.vmcoreinfo().osRelease(),
                    req.target() instanceof DumpTarget.Split s ? 1 + s.parts().size() : 1);
        }
        PmemSetup pmem = PmemSetup.of(input, req.pmem(), console);
        PageDecision decision = PageDecision.of(input, level, pmem.policy(), ledger);
        timings.lap("open", started);
        OutputTarget dump = out.forDump(req.dryRun(), req.sizeLimit());
        Written w;
        try {
            // instanceof, not a type switch: see Filter#run
            w = req.format() instanceof OutputFormat.Kdump k
                    ? KdumpOutput.write(source, !input.isElf(), decision,
                            () -> PageDecision.of(input, level, pmem.policy(), ExclusionLedger.counting()), k.codec(),
                            req.threads(), req.target(), console, timings, dump)
                    : ElfOutput.write(source, decision, req.target(), console, timings, dump);
        } catch (SizeLimitReached e) {
            // makedumpfile forks a child per part to mark it incomplete: each flushes the notice again
            if (req.target() instanceof DumpTarget.Split s && !req.dryRun() && input.vmcoreinfo().has("OSRELEASE")) {
                KernelVersion.notice(console, input.vmcoreinfo().osRelease(), s.parts().size());
            }
            throw e;
        }
        Optional<List<ReportModel.Span>> map = ledger.spans().map((SpanRecorder spans) -> spans.map(
                source.present(), source.readable(), pmem.policy().metadata(), pmem.policy().userdata(),
                source.pageSize()));
        if (decision.unreadableKept() > 0) {
            console.msg("pmemdump: kept 0x" + Long.toHexString(decision.unreadableKept()) + " pages whose struct page "
                    + "could not be read (first: " + decision.firstUnreadable() + ")\n");
        }
        return new FilterResult(level, source.maxMapnr(), input.memoryHole(req.format() instanceof OutputFormat.Elf),
                ledger.counts(), w.elfExcluded(),
                w.writeBytes(), pmem.hashes(), w.outputs(), timings.snapshot(), map, decision.unreadableKept());
    }
}
