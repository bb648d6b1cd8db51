package dev.pmemdump.filter;

import dev.pmemdump.filter.cli.MakedumpfileArgs;
import dev.pmemdump.filter.flat.FlattenedReader;
import dev.pmemdump.filter.flat.FlattenedSink;
import dev.pmemdump.filter.kdump.KdumpReader;
import dev.pmemdump.filter.kdump.KdumpWriter;
import dev.pmemdump.filter.page.DumpSink;
import dev.pmemdump.filter.page.FileSink;
import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.filter.page.PageSource;
import dev.pmemdump.io.AtomicOutput;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.Progress;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

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

    public DumpFilter(MakedumpfileArgs args, Console console, InputStream stdin, OutputStream stdout) {
        this.args = args;
        this.console = console;
        this.stdin = stdin;
        this.stdout = stdout;
    }

    /** Runs the command; returns the names the dump was saved to. */
    public void run() throws IOException {
        if (args.rearrange()) {
            rearrange(Path.of(args.operands().get(0)));
            return;
        }
        if (args.dumpDmesg() || args.memUsage() || args.regions() != null) {
            throw new UnsupportedOperationException((args.dumpDmesg() ? "--dump-dmesg" : args.memUsage()
                    ? "--mem-usage" : "--regions") + " is not available in this build");
        }
        Path vmcore = Path.of(args.operands().get(0));
        try (FilterInput input = FilterInput.open(vmcore, args.dumpLevel())) {
            FilterReport report = input.report();
            PageBitmap present = input.source().present();
            PageBitmap dumpable = input.dumpable();
            if (args.elf()) {
                throw new UnsupportedOperationException("-E needs ELF input support, not available in this build");
            }
            KdumpWriter.Options base = KdumpWriter.Options.whole(input.effectiveDumpLevel(), args.codec(),
                    args.threads());
            List<String> saved = new ArrayList<>();
            if (args.flatten()) {
                FlattenedSink sink = new FlattenedSink(new BufferedOutputStream(stdout, 1 << 20));
                KdumpWriter.Result r = new KdumpWriter(input.source(), base).write(present, dumpable, sink, progress());
                sink.finish();
                report.zero += r.zeroPages();
                report.writeBytes = sink.bytesWritten();
                saved.add("STDOUT");
            } else if (args.split()) {
                writeSplit(input.source(), base, present, dumpable, report, saved);
            } else {
                Path out = Path.of(args.operands().get(1));
                try (AtomicOutput ao = AtomicOutput.create(out)) {
                    FileSink sink = new FileSink(ao.channel());
                    KdumpWriter.Result r = new KdumpWriter(input.source(), base).write(present, dumpable, sink,
                            progress());
                    report.zero += r.zeroPages();
                    report.writeBytes = sink.bytesWritten();
                    ao.commit();
                }
                saved.add(out.toString());
            }
            finish(report, saved);
        }
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
                AtomicOutput ao = AtomicOutput.create(Path.of(names.get(i)));
                outs.add(ao);
                FileSink sink = new FileSink(ao.channel());
                KdumpWriter.Options o = new KdumpWriter.Options(base.dumpLevel(), base.codec(), base.threads(), true,
                        bounds[i], bounds[i + 1]);
                KdumpWriter.Result r = new KdumpWriter(source, o).write(present, dumpable, sink, progress());
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
        try (AtomicOutput ao = AtomicOutput.create(out)) {
            new FlattenedReader("stdin", stdin).rebuild(new FileSink(ao.channel()));
            ao.commit();
        }
        console.msg("\nThe dumpfile is saved to " + out + ".\n");
    }

    private void finish(FilterReport report, List<String> saved) throws IOException {
        PrintWriter rep = console.report();
        if (rep != null) {
            rep.println();
            report.print(rep);
            for (FilterReport.MetadataHash h : report.metadataHashes) {
                rep.println(h.line());
            }
            rep.println();
            rep.flush();
        }
        if (args.jsonReport() != null) {
            try (AtomicOutput ao = AtomicOutput.create(Path.of(args.jsonReport()))) {
                ao.channel().write(ByteBuffer.wrap(report.toJson()));
                ao.commit();
            }
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

    /** The pages of the input and which of them the dump level keeps. */
    static final class FilterInput implements AutoCloseable {
        private final PageSource source;
        private final PageBitmap dumpable;
        private final FilterReport report;
        private final int effectiveDumpLevel;

        private FilterInput(PageSource source, PageBitmap dumpable, FilterReport report, int effectiveDumpLevel) {
            this.source = source;
            this.dumpable = dumpable;
            this.report = report;
            this.effectiveDumpLevel = effectiveDumpLevel;
        }

        static FilterInput open(Path path, int dumpLevel) throws IOException {
            if (!Files.exists(path)) {
                throw new NoSuchFileException(path.toString(), null, "no such file");
            }
            byte[] head = new byte[16];
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                ch.read(ByteBuffer.wrap(head), 0);
            }
            if (dev.pmemdump.filter.kdump.KdumpHeader.isKdump(ByteBuffer.wrap(head))) {
                KdumpReader r = KdumpReader.open(path);
                FilterReport rep = new FilterReport();
                rep.maxMapnr = r.maxMapnr();
                rep.memoryHole = r.maxMapnr() - r.present().cardinality();
                // makedumpfile keeps the earlier filtering of a kdump input: its level is ORed in.
                return new FilterInput(r, r.readable(), rep, dumpLevel | r.header().dumpLevel());
            }
            if (FlattenedReader.isFlattened(head)) {
                throw new CorruptInputException(path.toString(), 0,
                        "is a flattened dump: rebuild it first with -R");
            }
            throw new CorruptInputException(path.toString(), 0, "not a kdump-compressed dump");
        }

        PageSource source() {
            return source;
        }

        PageBitmap dumpable() {
            return dumpable;
        }

        FilterReport report() {
            return report;
        }

        int effectiveDumpLevel() {
            return effectiveDumpLevel;
        }

        @Override
        public void close() throws IOException {
            source.close();
        }
    }
}
