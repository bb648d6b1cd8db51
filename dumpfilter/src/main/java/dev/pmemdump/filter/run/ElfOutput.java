package dev.pmemdump.filter.run;

import dev.pmemdump.filter.elf.ElfDumpWriter;
import dev.pmemdump.filter.elf.ElfPageSource;
import dev.pmemdump.filter.elf.ElfSegments;
import dev.pmemdump.filter.mm.PageClassifier;
import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.filter.page.PageSource;
import dev.pmemdump.filter.request.DumpTarget;
import dev.pmemdump.io.Range;
import dev.pmemdump.io.Writes;
import dev.pmemdump.vmcore.elf.ProgramHeader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * ELF output (-E). When makedumpfile's bitmaps cover all pfns in one cycle it decides every pfn once;
 * otherwise it decides each PT_LOAD on its own, cycle by cycle, so a page in two PT_LOADs (kernel
 * text inside RAM) is classified and counted once per PT_LOAD (see {@link CyclePlan}). Either way one
 * cycle's bits are held at a time (one cycle is at most 16M pfns): the output PT_LOADs are cut as each
 * cycle is decided, and the data is then written from them alone.
 */
final class ElfOutput {
    private ElfOutput() {}

    static Written write(PageSource source, PageDecision decision, DumpTarget target, Console console,
                         Timings timings, OutputTarget out) throws IOException {
        if (!(source instanceof ElfPageSource elf)) {
            throw new IllegalArgumentException("-E needs an ELF vmcore as input");
        }
        long ps = elf.pageSize();
        long max = elf.maxMapnr();
        PageBitmap present = elf.present();
        PageBitmap pmemPages = new PageBitmap(max);
        decision.pmem().markPmem(pmemPages);
        CyclePlan cycles = CyclePlan.of(max);
        PageBitmap whole = null;
        long started = System.nanoTime();
        if (cycles.oneCycle()) {
            whole = present.copy();
            decision.decideWithZero(0, max, whole, PageClassifier.Carry.NONE);
        }
        timings.lap("classify", started);
        List<ElfSegments.Segment> segments = new ArrayList<>();
        PageBitmap dumpable = whole == null ? new PageBitmap(max) : null; // one cycle's bits, words reused
        for (ProgramHeader ph : elf.core().loads()) {
            // every page the segment touches: a tail page it ends inside is not present, so it becomes
            // memsz beyond filesz, as makedumpfile writes it (p_filesz 0x9e000, p_memsz 0x9ec00)
            Range pfns = Range.ofLength(ph.paddr(), ph.memsz()).scaleOut(ps);
            ElfSegments.Planner planner = new ElfSegments.Planner(ph, pfns.start(), segments);
            if (whole != null) {
                planner.add(pfns.start(), pfns.end(), whole, pmemPages);
            } else {
                // one cycle's bits at a time: a cycle is at most 16M pfns (2 MiB of bitmap)
                PageClassifier.Carry carry = PageClassifier.Carry.NONE;
                for (Range c : cycles.cycles(pfns.start(), pfns.end())) {
                    dumpable.load(present, c.start(), c.end());
                    long cycle = System.nanoTime();
                    carry = decision.decideWithZero(c.start(), c.end(), dumpable, carry);
                    timings.lap("classify", cycle);
                    planner.add(Math.max(c.start(), pfns.start()), c.end(), dumpable, pmemPages);
                }
            }
            planner.finish(pfns.end());
        }
        long excluded = ElfSegments.excludedPages(segments);
        byte[] notes = elf.crashInfo().notes();
        List<ProgramHeader> phdrs = ElfDumpWriter.programHeaders(notes, segments, ps);
        started = System.nanoTime();
        OutputTarget.Body body = sink -> ElfDumpWriter.write(elf.core().machine(), notes, phdrs, elf.physical(), sink,
                console.copyProgress());
        Written w;
        // instanceof, not a type switch: see Filter#run
        if (target instanceof DumpTarget.File f) {
            w = new Written(out.file(f.path(), body, ElfOutput::markIncomplete), List.of(f.path().toString()),
                    OptionalLong.of(excluded));
        } else if (target instanceof DumpTarget.Flattened f) {
            w = new Written(out.flattened(f.out(), body), List.of(Written.STDOUT), OptionalLong.of(excluded));
        } else {
            throw new IllegalArgumentException("--split cannot be used with -E");
        }
        timings.lap("write", started);
        return w;
    }

    /** -L cut the file short: e_flags |= 1, makedumpfile's DUMP_ELF_INCOMPLETE (docs/dump-formats.md §3.2). */
    private static void markIncomplete(FileChannel ch) throws IOException {
        ByteBuffer flags = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        if (ch.read(flags, E_FLAGS) == 4) {
            flags.putInt(0, flags.getInt(0) | 1).clear();
            Writes.fully(ch, flags, E_FLAGS);
        }
    }

    /** Offset of e_flags in an ELF64 header. */
    private static final long E_FLAGS = 48;
}
