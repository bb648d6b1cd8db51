package dev.pmemdump.filter;

import dev.pmemdump.filter.cli.MakedumpfileArgs;
import dev.pmemdump.filter.flat.FlattenedReader;
import dev.pmemdump.filter.flat.FlattenedSink;
import dev.pmemdump.filter.dmesg.PrintkRing;
import dev.pmemdump.filter.elf.ElfDumpWriter;
import dev.pmemdump.filter.elf.ElfPageSource;
import dev.pmemdump.filter.elf.ElfSegments;
import dev.pmemdump.filter.minidump.CoreImageWriter;
import dev.pmemdump.filter.minidump.Regions;
import dev.pmemdump.filter.mm.MemMap;
import dev.pmemdump.filter.mm.PageClassifier;
import dev.pmemdump.filter.mm.PageFlags;
import dev.pmemdump.filter.pmem.PmemMetadata;
import dev.pmemdump.filter.pmem.PmemPolicy;
import dev.pmemdump.filter.pmem.RamMemmap;
import dev.pmemdump.vmcore.iomem.Iomem;
import dev.pmemdump.filter.kdump.KdumpWriter;
import dev.pmemdump.filter.page.FileSink;
import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.filter.page.PageSource;
import dev.pmemdump.filter.report.FilterReportModel;
import dev.pmemdump.filter.report.HtmlReport;
import dev.pmemdump.filter.report.SpanKind;
import dev.pmemdump.filter.report.SpanRecorder;
import dev.pmemdump.io.AtomicOutput;
import dev.pmemdump.io.OutputSet;
import dev.pmemdump.vmcore.elf.ProgramHeader;
import dev.pmemdump.io.Progress;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One makedumpfile run: opens the input, decides which pages to keep, writes the dumpfile(s)
 * through {@link AtomicOutput} (or a flattened stream), prints the report. Failures are thrown;
 * the command turns them into makedumpfile's message and exit status.
 */
public final class DumpFilter {
    private final MakedumpfileArgs args;
    private final Console console;
    private final InputStream stdin;
    private final OutputStream stdout;
    private final OutputSet outputs;
    /** Milliseconds per phase (open, classify, write), for --html-report. */
    private final Map<String, Double> timingsMs = new LinkedHashMap<>();

    /** Output files are created in {@code outputs}; the caller commits them all once the run succeeded. */
    public DumpFilter(MakedumpfileArgs args, Console console, InputStream stdin, OutputStream stdout,
                      OutputSet outputs) {
        this.args = args;
        this.console = console;
        this.stdin = stdin;
        this.stdout = stdout;
        this.outputs = outputs;
    }

    /** Runs the command. */
    public void run() throws IOException {
        if (args.rearrange()) {
            rearrange(Path.of(args.operands().get(0)));
            return;
        }
        if (args.dumpDmesg()) {
            dumpDmesg(Path.of(args.operands().get(0)), Path.of(args.operands().get(1)));
            return;
        }
        if (args.memUsage()) {
            throw new UnsupportedOperationException("--mem-usage is not available in this build");
        }
        long started = System.nanoTime();
        try (DumpInput input = DumpInput.open(Path.of(args.operands().get(0)))) {
            int level = args.dumpLevel() | input.storedDumpLevel();
            PageSource source = input.source();
            FilterReport report = new FilterReport();
            report.maxMapnr = source.maxMapnr();
            report.memoryHole = input.memoryHole();
            if (args.htmlReport() != null) {
                report.spans = new SpanRecorder();
            }
            printLoads(input);
            PmemPolicy pmem = pmemPolicy(input, report);
            PageClassifier classifier = classifier(input, level);
            lap("open", started);
            List<String> saved = new ArrayList<>();
            if (args.regions() != null) {
                writeMinidump(input, pmem, report, saved);
                finish(report, saved);
                return;
            }
            if (args.elf()) {
                writeElf(input, level, pmem, classifier, report, saved);
            } else {
                writeKdump(input, level, pmem, classifier, report, saved);
            }
            if (report.spans != null) {
                writeHtml(input, level, pmem, report);
            }
            finish(report, saved);
        }
    }

    /** --regions: only the named regions, never pmem user data, as a kmemdump-style coreimage. */
    private void writeMinidump(DumpInput input, PmemPolicy pmem, FilterReport report, List<String> saved)
            throws IOException {
        if (!(input.source() instanceof ElfPageSource elf)) {
            throw new IllegalArgumentException("--regions needs an ELF vmcore as input");
        }
        long ps = elf.pageSize();
        // pmem-metadata: wherever it lives, on the device or (case C) the memmap in RAM
        List<PmemPolicy.PfnRange> metadata = new ArrayList<>(pmem.metadata());
        metadata.addAll(pmem.ramMetadata());
        List<Regions.Region> regions = Regions.parse(args.regions(), elf.vmcoreinfo(), elf.kernel(), metadata,
                ps, input.pageOffset());
        for (Regions.Region r : regions) {
            for (PmemPolicy.PfnRange u : pmem.userdata()) {
                if (r.paddr() < u.end() * ps && u.start() * ps < r.paddr() + r.size()) {
                    throw new IllegalArgumentException("--regions: " + r.name() + " [0x" + Long.toHexString(r.paddr())
                            + ", 0x" + Long.toHexString(r.paddr() + r.size()) + ") overlaps pmem user data");
                }
            }
        }
        byte[] notes = elf.crashInfo().notes();
        Path out = Path.of(args.operands().get(1));
        try (AtomicOutput ao = outputs.create(out)) {
            FileSink sink = new FileSink(ao.channel());
            CoreImageWriter.write(elf.core().machine(), notes, regions, elf.physical(), sink);
            report.writeBytes = sink.bytesWritten();
            ao.commit();
        }
        console.debug(regions.size() + " regions kept\n");
        saved.add(out.toString());
    }

    private void dumpDmesg(Path vmcore, Path logfile) throws IOException {
        try (DumpInput input = DumpInput.open(vmcore)) {
            byte[] log = PrintkRing.read(input.vmcoreinfo(), input.kernel()).getBytes(StandardCharsets.ISO_8859_1);
            outputs.write(logfile, log);
        }
        console.msg("\nThe dmesg log is saved to " + logfile + ".\n");
    }

    private void printLoads(DumpInput input) {
        if (!console.enabled(MakedumpfileArgs.ML_DEBUG) || !input.isElf()) {
            return;
        }
        StringBuilder sb = new StringBuilder(String.format("%8s %16s %16s %16s %16s %8s%n", "", "phys_start",
                "phys_end", "virt_start", "virt_end", "is_pmem"));
        int i = 0;
        for (ProgramHeader ph : input.loads()) {
            sb.append(String.format("LOAD[%2d] %16x %16x %16x %16x %8s%n", i++, ph.paddr(), ph.paddr() + ph.memsz(),
                    ph.vaddr(), ph.vaddr() + ph.memsz(), ph.isPmem() ? "true" : "false"));
        }
        console.debug(sb.toString());
    }

    private PmemPolicy pmemPolicy(DumpInput input, FilterReport report) throws IOException {
        long ps = input.source().pageSize();
        List<PmemPolicy.PfnRange> pmemRanges = new ArrayList<>();
        List<long[]> pmemBytes = new ArrayList<>();
        for (ProgramHeader ph : input.loads()) {
            if (ph.isPmem()) {
                pmemRanges.add(new PmemPolicy.PfnRange(ph.paddr() / ps, (ph.paddr() + ph.memsz() + ps - 1) / ps));
                pmemBytes.add(new long[]{ph.paddr(), ph.paddr() + ph.memsz()});
            }
        }
        if (pmemRanges.isEmpty()) {
            return new PmemPolicy(List.of(), List.of());
        }
        List<PmemMetadata.InfoblockSource> infoblocks = new ArrayList<>();
        for (String spec : args.pmemInfoblocks()) {
            int at = spec.lastIndexOf('@');
            long start = at < 0 ? pmemBytes.get(0)[0] : Long.decode(spec.substring(at + 1));
            infoblocks.add(new PmemMetadata.InfoblockSource(Path.of(at < 0 ? spec : spec.substring(0, at)), start));
        }
        Iomem iomem = args.iomem() == null ? null : Iomem.read(Path.of(args.iomem()));
        PmemMetadata.Found found = PmemMetadata.find(input.vmcoreinfo(), input.kernel(), input.kernel().physical(),
                pmemBytes, infoblocks, iomem, ps);
        List<List<PmemPolicy.PfnRange>> inRam = ramMemmap(input, found.memmapInRam(), pmemRanges);
        PmemPolicy policy = new PmemPolicy(pmemRanges, found.ranges(), inRam.stream().flatMap(List::stream).toList());
        console.debug("pmem metadata from " + found.source() + ": " + policy.metadata().size() + " range(s), "
                + inRam.size() + " namespace(s) with memmap in RAM\n");
        for (PmemPolicy.PfnRange r : policy.metadata()) {
            report.metadataHashes.add(new FilterReport.MetadataHash(r.start(), r.end(),
                    PmemMetadata.sha256(input.kernel().physical(), r, ps), FilterReport.MetadataHash.DEVICE));
        }
        for (List<PmemPolicy.PfnRange> ns : inRam) {
            for (PmemPolicy.PfnRange r : ns) {
                report.metadataHashes.add(new FilterReport.MetadataHash(r.start(), r.end(),
                        PmemMetadata.sha256(input.kernel().physical(), r, ps), FilterReport.MetadataHash.RAM));
            }
        }
        for (FilterReport.MetadataHash h : report.metadataHashes) {
            console.msg(h.line() + "\n");
        }
        return policy;
    }

    /** Per namespace with its memmap in RAM, the RAM pfns of its vmemmap (case C). */
    private static List<List<PmemPolicy.PfnRange>> ramMemmap(DumpInput input, List<PmemPolicy.PfnRange> namespaces,
                                                             List<PmemPolicy.PfnRange> pmemRanges) throws IOException {
        if (namespaces.isEmpty()) {
            return List.of();
        }
        PageSource source = input.source();
        MemMap memMap = MemMap.read(input.vmcoreinfo(), input.kernel(), source.maxMapnr(), source.pageSize(),
                input.pageOffset());
        long structPage = input.vmcoreinfo().size("page");
        List<List<PmemPolicy.PfnRange>> out = new ArrayList<>();
        for (PmemPolicy.PfnRange ns : namespaces) {
            out.add(RamMemmap.pages(input.kernel().translation(), memMap, structPage, ns, pmemRanges,
                    source.pageSize()));
        }
        return out;
    }

    private PageClassifier classifier(DumpInput input, int level) throws IOException {
        PageFlags flags = PageFlags.of(input.vmcoreinfo());
        PageSource source = input.source();
        PageClassifier probe = new PageClassifier(input.kernel(), null, flags, level);
        if (!probe.needed()) {
            return null;
        }
        MemMap memMap = MemMap.read(input.vmcoreinfo(), input.kernel(), source.maxMapnr(), source.pageSize(),
                input.pageOffset());
        return new PageClassifier(input.kernel(), memMap, flags, level);
    }

    /**
     * Pfns the struct-page scan looks at: all memory, not pmem (pmem is decided by ranges). For a
     * kdump input that includes pages an earlier run dropped: makedumpfile counts them again.
     */
    private static PageBitmap scanned(PageSource source, PmemPolicy pmem, int level) {
        PageBitmap consider = source.present();
        for (PmemPolicy.PfnRange r : pmem.pmem()) {
            consider.clearRange(r.start(), r.end());
        }
        for (PmemPolicy.PfnRange r : pmem.droppedRam(level)) {
            consider.clearRange(r.start(), Math.min(r.end(), consider.size()));
        }
        return consider;
    }

    private void writeKdump(DumpInput input, int level, PmemPolicy pmem, PageClassifier classifier,
                            FilterReport report, List<String> saved) throws IOException {
        PageSource source = input.source();
        PageBitmap present = source.present();
        PageBitmap dumpable = source.readable();
        long started = System.nanoTime();
        if (report.spans != null) {
            report.spans.addPmem(pmem, 0, source.maxMapnr(), level, dumpable);
        }
        pmem.apply(0, source.maxMapnr(), level, dumpable, report);
        if (classifier != null) {
            classifier.classify(0, source.maxMapnr(), scanned(source, pmem, level), dumpable, report,
                    PageClassifier.Carry.NONE);
        }
        started = lap("classify", started);
        KdumpWriter.Options base = KdumpWriter.Options.whole(level, args.codec(), args.threads());
        if (args.flatten()) {
            FlattenedSink sink = new FlattenedSink(new BufferedOutputStream(stdout, 1 << 20));
            KdumpWriter.Result r = kdumpWriter(source, base, report).write(present, dumpable, sink, progress());
            sink.finish();
            report.zero += r.zeroPages();
            report.writeBytes = sink.bytesWritten();
            saved.add("STDOUT");
        } else if (args.split()) {
            writeSplit(source, base, present, dumpable, report, saved);
        } else {
            Path out = Path.of(args.operands().get(1));
            try (AtomicOutput ao = outputs.create(out)) {
                FileSink sink = new FileSink(ao.channel());
                KdumpWriter.Result r = kdumpWriter(source, base, report).write(present, dumpable, sink, progress());
                report.zero += r.zeroPages();
                report.writeBytes = sink.bytesWritten();
                ao.commit();
            }
            saved.add(out.toString());
        }
        lap("write", started);
    }

    /** The kdump writer decides zero pages as it writes them; an HTML report records them there. */
    private static KdumpWriter kdumpWriter(PageSource source, KdumpWriter.Options options, FilterReport report) {
        SpanRecorder spans = report.spans;
        return spans == null ? new KdumpWriter(source, options)
                : new KdumpWriter(source, options, pfn -> spans.add(pfn, pfn + 1, SpanKind.RAM_ZERO));
    }

    /**
     * ELF output. When makedumpfile's bitmaps cover all pfns in one cycle it decides every pfn once;
     * otherwise it decides each PT_LOAD on its own, cycle by cycle, so a page in two PT_LOADs (kernel
     * text inside RAM) is classified and counted once per PT_LOAD (see {@link CyclePlan}).
     */
    private void writeElf(DumpInput input, int level, PmemPolicy pmem, PageClassifier classifier,
                          FilterReport report, List<String> saved) throws IOException {
        if (!(input.source() instanceof ElfPageSource elf)) {
            throw new IllegalArgumentException("-E needs an ELF vmcore as input");
        }
        long ps = elf.pageSize();
        long max = elf.maxMapnr();
        PageBitmap present = elf.present();
        PageBitmap consider = scanned(elf, pmem, level);
        PageBitmap pmemPages = new PageBitmap(max);
        pmem.markPmem(pmemPages);
        CyclePlan cycles = CyclePlan.of(max);
        PageBitmap whole = null;
        long started = System.nanoTime();
        if (cycles.oneCycle()) {
            whole = present.copy();
            decide(elf, 0, max, level, pmem, classifier, consider, whole, report);
        }
        lap("classify", started);
        List<ElfSegments.Segment> segments = new ArrayList<>();
        for (ProgramHeader ph : elf.core().loads()) {
            long startPfn = ph.paddr() / ps;
            long endPfn = (ph.paddr() + ph.memsz() + ps - 1) / ps;
            PageBitmap dumpable = whole;
            if (dumpable == null) {
                dumpable = new PageBitmap(max);
                PageClassifier.Carry carry = PageClassifier.Carry.NONE;
                for (long[] c : cycles.cycles(startPfn, endPfn)) {
                    dumpable.setRange(c[0], c[1]);
                    dumpable.and(present);
                    long cycle = System.nanoTime();
                    carry = decide(elf, c[0], c[1], level, pmem, classifier, consider, dumpable, report, carry);
                    lap("classify", cycle);
                }
            }
            segments.addAll(ElfSegments.plan(ph, startPfn, endPfn, dumpable, pmemPages));
        }
        report.elfExcluded = ElfSegments.excludedPages(segments);
        byte[] notes = elf.crashInfo().notes();
        List<ProgramHeader> phdrs = ElfDumpWriter.programHeaders(notes, segments, ps);
        started = System.nanoTime();
        if (args.flatten()) {
            FlattenedSink sink = new FlattenedSink(new BufferedOutputStream(stdout, 1 << 20));
            ElfDumpWriter.write(elf.core().machine(), notes, phdrs, elf.physical(), sink, progress());
            sink.finish();
            report.writeBytes = sink.bytesWritten();
            saved.add("STDOUT");
        } else {
            Path out = Path.of(args.operands().get(1));
            try (AtomicOutput ao = outputs.create(out)) {
                FileSink sink = new FileSink(ao.channel());
                ElfDumpWriter.write(elf.core().machine(), notes, phdrs, elf.physical(), sink, progress());
                report.writeBytes = sink.bytesWritten();
                ao.commit();
            }
            saved.add(out.toString());
        }
        lap("write", started);
    }

    private void decide(ElfPageSource elf, long from, long to, int level, PmemPolicy pmem, PageClassifier classifier,
                        PageBitmap consider, PageBitmap dumpable, FilterReport report) throws IOException {
        decide(elf, from, to, level, pmem, classifier, consider, dumpable, report, PageClassifier.Carry.NONE);
    }

    /** One cycle of ELF filtering: pmem by ranges, struct pages, then zero pages among what is left. */
    private PageClassifier.Carry decide(ElfPageSource elf, long from, long to, int level, PmemPolicy pmem,
                                        PageClassifier classifier, PageBitmap consider, PageBitmap dumpable,
                                        FilterReport report, PageClassifier.Carry carry) throws IOException {
        if (report.spans != null) {
            report.spans.addPmem(pmem, from, to, level, dumpable);
        }
        pmem.apply(from, to, level, dumpable, report);
        PageClassifier.Carry left = carry;
        if (classifier != null) {
            left = classifier.classify(from, to, consider, dumpable, report, carry);
        }
        if ((level & DumpLevel.EXCLUDE_ZERO) != 0) {
            byte[] page = new byte[elf.pageSize()];
            for (long pfn = dumpable.nextSet(from); pfn >= 0 && pfn < to; pfn = dumpable.nextSet(pfn + 1)) {
                elf.read(pfn, page);
                if (isZero(page)) {
                    dumpable.clear(pfn);
                    report.zero++;
                    if (report.spans != null) {
                        report.spans.add(pfn, pfn + 1, SpanKind.RAM_ZERO);
                    }
                }
            }
        }
        return left;
    }

    private static boolean isZero(byte[] p) {
        for (byte b : p) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private void writeSplit(PageSource source, KdumpWriter.Options base, PageBitmap present, PageBitmap dumpable,
                            FilterReport report, List<String> saved) throws IOException {
        List<String> names = args.operands().subList(1, args.operands().size());
        long total = dumpable.cardinality();
        long[] bounds = new long[names.size() + 1];
        bounds[names.size()] = source.maxMapnr();
        // Each part gets an equal share of the dumped pages; a part's range ends where the next begins.
        long seen = 0;
        int part = 1;
        for (long pfn = dumpable.nextSet(0); pfn >= 0 && part < names.size(); pfn = dumpable.nextSet(pfn + 1)) {
            while (part < names.size() && seen >= total * part / names.size()) {
                bounds[part++] = pfn;
            }
            seen++;
        }
        while (part < names.size()) {
            bounds[part++] = source.maxMapnr();
        }
        List<AtomicOutput> outs = new ArrayList<>();
        try {
            for (int i = 0; i < names.size(); i++) {
                AtomicOutput ao = outputs.create(Path.of(names.get(i)));
                outs.add(ao);
                FileSink sink = new FileSink(ao.channel());
                KdumpWriter.Options o = new KdumpWriter.Options(base.dumpLevel(), base.codec(), base.threads(), true,
                        bounds[i], bounds[i + 1]);
                KdumpWriter.Result r = kdumpWriter(source, o, report).write(present, dumpable, sink, progress());
                report.zero += r.zeroPages();
                report.writeBytes += sink.bytesWritten();
            }
            for (AtomicOutput ao : outs) {
                ao.commit();
            }
        } finally {
            for (AtomicOutput ao : outs) {
                ao.close();
            }
        }
        saved.addAll(names);
    }

    private void rearrange(Path out) throws IOException {
        try (AtomicOutput ao = outputs.create(out)) {
            new FlattenedReader("stdin", stdin).rebuild(new FileSink(ao.channel()));
            ao.commit();
        }
        console.msg("\nThe dumpfile is saved to " + out + ".\n");
    }

    /** --html-report: the recorded map, the hashes, the counts and the timings as one page. */
    private void writeHtml(DumpInput input, int level, PmemPolicy pmem, FilterReport report) throws IOException {
        PageSource source = input.source();
        String in = Path.of(args.operands().get(0)).getFileName().toString();
        String out = args.flatten() ? "standard output" : args.split()
                ? String.join(", ", args.operands().subList(1, args.operands().size())) : args.operands().get(1);
        String format = args.elf() ? "ELF" : "kdump-compressed (pages: " + args.codec().label() + ")";
        String subtitle = in + " to " + out + ": -d " + level + ", " + format + (args.flatten() ? ", flattened" : "");
        outputs.write(Path.of(args.htmlReport()), HtmlReport.bytes(FilterReportModel.of("pmemdump makedumpfile " + in, subtitle, report,
                report.spans.map(source.present(), source.readable(), pmem, source.pageSize()), timingsMs)));
    }

    /** Adds the time since {@code since} to {@code phase}; returns now. */
    private long lap(String phase, long since) {
        long now = System.nanoTime();
        timingsMs.merge(phase, (now - since) / 1e6, Double::sum);
        return now;
    }

    private void finish(FilterReport report, List<String> saved) throws IOException {
        PrintWriter rep = console.report();
        if (rep != null) {
            rep.println();
            report.print(rep);
            rep.println();
            rep.flush();
        }
        if (args.jsonReport() != null) {
            outputs.write(Path.of(args.jsonReport()), report.toJson());
        }
        if (saved.size() == 1) {
            console.msg("\nThe dumpfile is saved to " + saved.get(0) + ".\n");
        } else {
            StringBuilder sb = new StringBuilder("\nThe dumpfiles are saved to ");
            for (int i = 0; i < saved.size(); i++) {
                sb.append(saved.get(i)).append(i == saved.size() - 1 ? ".\n" : i == saved.size() - 2 ? ", and " : ", ");
            }
            console.msg(sb.toString());
        }
    }

    private Progress progress() {
        return console.progress() ? Progress.onTerminal("Copying data") : Progress.silent();
    }
}
