package dev.pmemdump.filter;

import dev.pmemdump.filter.elf.ElfPageSource;
import dev.pmemdump.filter.elf.ElfProbe;
import dev.pmemdump.filter.flat.FlattenedProbe;
import dev.pmemdump.filter.kdump.KdumpProbe;
import dev.pmemdump.filter.page.InputProbe;
import dev.pmemdump.filter.page.PageSource;
import dev.pmemdump.filter.page.ProbedDump;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.ReadMethod;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.elf.ProgramHeader;
import dev.pmemdump.vmcore.xlat.KernelMemory;
import dev.pmemdump.vmcore.xlat.X86_64;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * An opened dump to filter: its pages, its PT_LOADs (ELF input only), VMCOREINFO and kernel
 * virtual memory. Each input format is a probe asked in turn (ELF, kdump-compressed, flattened, which
 * must be rebuilt with -R first, as with makedumpfile); the first that claims the file opens it.
 */
public final class DumpInput implements AutoCloseable {
    private static final List<InputProbe> PROBES = List.of(new ElfProbe(), new KdumpProbe(), new FlattenedProbe());

    private final ProbedDump dump;
    private final long pageOffset;

    private DumpInput(ProbedDump dump) {
        this.dump = dump;
        // makedumpfile's page_offset: the direct map the PT_LOADs show, else its fixed 4-level guess.
        this.pageOffset = X86_64.pageOffset(dump.hints().mappedRanges()).orElse(X86_64.PAGE_OFFSET_PRE_4_20);
    }

    public static DumpInput open(Path path) throws IOException {
        return open(path, ReadMethod.MMAP_WHERE_FASTER);
    }

    /** Opens {@code path}, its pages read as {@code method} says (--non-mmap: pread only). */
    public static DumpInput open(Path path, ReadMethod method) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such file");
        }
        byte[] head = new byte[InputProbe.HEAD_BYTES];
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ch.read(ByteBuffer.wrap(head), 0);
        }
        for (InputProbe probe : PROBES) {
            // instanceof, not a type switch: see Filter#run; NotMine asks the next probe
            InputProbe.Answer answer = probe.probe(path, head, method);
            if (answer instanceof InputProbe.Mine mine) {
                return new DumpInput(mine.dump());
            } else if (answer instanceof InputProbe.Broken broken) {
                throw broken.problem();
            }
        }
        throw new CorruptInputException(path.toString(), 0, "neither an ELF vmcore nor a kdump-compressed dump");
    }

    /** An input a caller opened itself (--mem-usage's /proc/kcore); the DumpInput owns it from here. */
    public static DumpInput of(ProbedDump dump) {
        return new DumpInput(dump);
    }

    /**
     * True when {@code head} (the first {@link InputProbe#HEAD_BYTES}) starts a flattened stream (-F), which
     * no reader takes before it is rebuilt with -R.
     */
    public static boolean isFlattened(byte[] head) {
        return new FlattenedProbe().claims(head);
    }

    public PageSource source() {
        return dump.source();
    }

    /** The input PT_LOADs; empty for a kdump-compressed input. */
    public List<ProgramHeader> loads() {
        return dump.loads();
    }

    public boolean isElf() {
        return !dump.loads().isEmpty();
    }

    public VmcoreInfo vmcoreinfo() {
        return dump.vmcoreinfo();
    }

    public KernelMemory kernel() {
        return dump.kernel();
    }

    /** The dump level an earlier makedumpfile run stored (kdump input), else 0. */
    public int storedDumpLevel() {
        return dump.storedDumpLevel();
    }

    public long pageOffset() {
        return pageOffset;
    }

    /**
     * makedumpfile's "Memory Hole": max_mapnr minus the pages of every PT_LOAD (overlaps count twice).
     * A page a PT_LOAD ends inside is a hole for kdump-compressed output and counts as the PT_LOAD's
     * for ELF output ({@code elfOutput}), where makedumpfile counts it as excluded "in ELF format".
     */
    public long memoryHole(boolean elfOutput) {
        PageSource source = dump.source();
        long ps = source.pageSize();
        if (dump.loads().isEmpty()) {
            return source.maxMapnr() - source.present().cardinality();
        }
        long hole = source.maxMapnr();
        for (ProgramHeader ph : dump.loads()) {
            hole -= elfOutput ? (ph.paddr() + ph.memsz() + ps - 1) / ps - ph.paddr() / ps
                    : ElfPageSource.pages(ph, ps).length();
        }
        return hole;
    }

    @Override
    public void close() throws IOException {
        dump.close();
    }
}
