package dev.pmemdump.filter;

import dev.pmemdump.filter.elf.ElfPageSource;
import dev.pmemdump.filter.flat.FlattenedReader;
import dev.pmemdump.filter.kdump.KdumpHeader;
import dev.pmemdump.filter.kdump.KdumpReader;
import dev.pmemdump.filter.page.PageSource;
import dev.pmemdump.filter.page.PageSourceMemory;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.elf.ElfCore;
import dev.pmemdump.vmcore.elf.ProgramHeader;
import dev.pmemdump.vmcore.xlat.KernelMemory;
import dev.pmemdump.vmcore.xlat.X86_64Translation;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.OptionalLong;

/**
 * An opened dump to filter: its pages, its PT_LOADs (ELF input only), VMCOREINFO and kernel
 * virtual memory. The format is probed from the first bytes: ELF, kdump-compressed, or flattened
 * (which must be rebuilt with -R first, as with makedumpfile).
 */
public final class DumpInput implements AutoCloseable {
    /** makedumpfile's page_offset when no PT_LOAD shows the direct map (x86_64, 4-level). */
    private static final long DEFAULT_PAGE_OFFSET = 0xffff880000000000L;

    private final PageSource source;
    private final List<ProgramHeader> loads;
    private final VmcoreInfo vmcoreinfo;
    private final KernelMemory kernel;
    private final int storedDumpLevel;
    private final long pageOffset;

    private DumpInput(PageSource source, List<ProgramHeader> loads, VmcoreInfo vmcoreinfo, KernelMemory kernel,
                      int storedDumpLevel, long pageOffset) {
        this.source = source;
        this.loads = loads;
        this.vmcoreinfo = vmcoreinfo;
        this.kernel = kernel;
        this.storedDumpLevel = storedDumpLevel;
        this.pageOffset = pageOffset;
    }

    public static DumpInput open(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such file");
        }
        byte[] head = new byte[16];
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ch.read(ByteBuffer.wrap(head), 0);
        }
        if (ElfCore.isElf(MemorySegment.ofArray(head))) {
            ElfPageSource elf = ElfPageSource.open(path);
            try {
                X86_64Translation t = (X86_64Translation) elf.kernel().translation();
                return new DumpInput(elf, elf.core().loads(), elf.vmcoreinfo(), elf.kernel(), 0,
                        t.pageOffset().orElse(DEFAULT_PAGE_OFFSET));
            } catch (RuntimeException e) {
                elf.close();
                throw e;
            }
        }
        if (KdumpHeader.isKdump(ByteBuffer.wrap(head))) {
            KdumpReader r = KdumpReader.open(path);
            try {
                String text = r.vmcoreinfo();
                if (text.isEmpty()) {
                    throw new CorruptInputException(path.toString(), -1, "doesn't contain vmcoreinfo.");
                }
                VmcoreInfo vi = VmcoreInfo.parse(text, path.toString());
                PageSourceMemory pm = new PageSourceMemory(r);
                long physBase = vi.findNumber("phys_base").orElse(r.header().physBase());
                X86_64Translation base = X86_64Translation.of(vi, pm, List.of());
                X86_64Translation t = new X86_64Translation(pm, base.topTable() - base.physBase() + physBase,
                        base.fiveLevel(), physBase, vi.findNumber("KERNEL_IMAGE_SIZE")
                        .orElse(X86_64Translation.DEFAULT_KERNEL_IMAGE_SIZE), OptionalLong.empty(),
                        (int) vi.findNumber("MAX_PHYSMEM_BITS").orElse(46), vi.findNumber("sme_mask").orElse(0));
                return new DumpInput(r, List.of(), vi, new KernelMemory(pm, t, ByteOrder.LITTLE_ENDIAN),
                        r.header().dumpLevel(), DEFAULT_PAGE_OFFSET);
            } catch (IOException | RuntimeException e) {
                r.close();
                throw e;
            }
        }
        if (FlattenedReader.isFlattened(head)) {
            throw new CorruptInputException(path.toString(), 0, "is a flattened dump: rebuild it first with -R");
        }
        throw new CorruptInputException(path.toString(), 0, "neither an ELF vmcore nor a kdump-compressed dump");
    }

    public PageSource source() {
        return source;
    }

    /** The input PT_LOADs; empty for a kdump-compressed input. */
    public List<ProgramHeader> loads() {
        return loads;
    }

    public boolean isElf() {
        return !loads.isEmpty();
    }

    public VmcoreInfo vmcoreinfo() {
        return vmcoreinfo;
    }

    public KernelMemory kernel() {
        return kernel;
    }

    /** The dump level an earlier makedumpfile run stored (kdump input), else 0. */
    public int storedDumpLevel() {
        return storedDumpLevel;
    }

    public long pageOffset() {
        return pageOffset;
    }

    /** makedumpfile's "Memory Hole": max_mapnr minus the pages of every PT_LOAD (overlaps count twice). */
    public long memoryHole() {
        long ps = source.pageSize();
        if (loads.isEmpty()) {
            return source.maxMapnr() - source.present().cardinality();
        }
        long hole = source.maxMapnr();
        for (ProgramHeader ph : loads) {
            hole -= (ph.paddr() + ph.memsz() + ps - 1) / ps - ph.paddr() / ps;
        }
        return hole;
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
