package dev.pmemdump.filter.elf;

import dev.pmemdump.io.Range;
import dev.pmemdump.filter.page.CrashInfo;
import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.filter.page.PageSource;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.PositionalImage;
import dev.pmemdump.io.ReadMethod;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.VmcoreInfoHints;
import dev.pmemdump.vmcore.VmcoreInfoNote;
import dev.pmemdump.vmcore.elf.ElfCore;
import dev.pmemdump.vmcore.elf.ElfPhysicalMemory;
import dev.pmemdump.vmcore.elf.Note;
import dev.pmemdump.vmcore.elf.NoteSegment;
import dev.pmemdump.vmcore.elf.ProgramHeader;
import dev.pmemdump.vmcore.xlat.KernelMemory;
import dev.pmemdump.vmcore.xlat.X86_64Translation;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

/**
 * An ELF /proc/vmcore (or a copy, or an -E dump) as a {@link PageSource}, with the kernel view
 * (VMCOREINFO, page-table translation) the filter needs: translation gets the VMCOREINFO and the
 * PT_LOAD ranges as {@link VmcoreInfoHints}. Pages are read through the vmcoreinfo module's
 * {@link ElfPhysicalMemory}; nothing is read until asked for, so pmem user data that is never dumped
 * is never touched. The file is never mapped whole, so memory stays bounded whatever the size of the
 * vmcore: a {@link PositionalImage} reads it with pread, or /proc/vmcore through a few mmap windows.
 */
public final class ElfPageSource implements PageSource {
    /** sizeof(struct new_utsname). */
    private static final int UTSNAME_SIZE = 390;
    /** sizeof(Elf64_Nhdr). */
    private static final int NOTE_HEADER = 12;

    private final PositionalImage image;
    private final ElfCore core;
    private final ElfPhysicalMemory physical;
    private final VmcoreInfo vmcoreinfo;
    private final VmcoreInfoHints hints;
    private final X86_64Translation translation;
    private final KernelMemory kernel;
    private final int pageSize;
    private final long maxMapnr;
    private final CrashInfo crashInfo;

    private ElfPageSource(PositionalImage image, ElfCore core, VmcoreInfo vi) throws CorruptInputException {
        this.image = image;
        this.core = core;
        this.vmcoreinfo = vi;
        this.physical = new ElfPhysicalMemory(core);
        this.pageSize = (int) vi.pageSize();
        List<ProgramHeader> loads = core.loads();
        this.hints = VmcoreInfoHints.of(vi).withMappedRanges(core.mappedRanges());
        this.translation = X86_64Translation.of(physical, hints);
        this.kernel = new KernelMemory(physical, translation, core.order());
        this.maxMapnr = maxMapnr(loads, pageSize);
        this.crashInfo = readCrashInfo();
    }

    /** Opens an ELF vmcore; it must carry VMCOREINFO. */
    public static ElfPageSource open(Path path) throws IOException {
        return open(path, ReadMethod.MMAP_WHERE_FASTER);
    }

    /** Opens an ELF vmcore whose pages are read as {@code method} says. */
    public static ElfPageSource open(Path path, ReadMethod method) throws IOException {
        PositionalImage image = PositionalImage.open(path, method);
        try {
            ElfCore core = ElfCore.open(image);
            VmcoreInfo vi = VmcoreInfoNote.find(core.notes(), path.toString()).orElseThrow(() ->
                    new CorruptInputException(path.toString(), -1, "doesn't contain vmcoreinfo."));
            return new ElfPageSource(image, core, vi);
        } catch (IOException | RuntimeException e) {
            image.close();
            throw e;
        }
    }

    public ElfCore core() {
        return core;
    }

    public VmcoreInfo vmcoreinfo() {
        return vmcoreinfo;
    }

    /** What translation was given: VMCOREINFO and the PT_LOAD ranges. */
    public VmcoreInfoHints hints() {
        return hints;
    }

    public KernelMemory kernel() {
        return kernel;
    }

    public ElfPhysicalMemory physical() {
        return physical;
    }

    @Override
    public int pageSize() {
        return pageSize;
    }

    @Override
    public long maxMapnr() {
        return maxMapnr;
    }

    @Override
    public PageBitmap present() {
        return presentPages();
    }

    @Override
    public PageBitmap readable() {
        return presentPages();
    }

    /** Built from the PT_LOADs on each call rather than kept: a bitmap is 32 MiB per TiB of addresses. */
    private PageBitmap presentPages() {
        return present(core.loads(), maxMapnr, pageSize);
    }

    /** Pfns up to the end of the highest PT_LOAD, as makedumpfile's max_mapnr. */
    public static long maxMapnr(List<ProgramHeader> loads, long pageSize) {
        long maxEnd = 0;
        for (ProgramHeader ph : loads) {
            maxEnd = Math.max(maxEnd, ph.paddr() + ph.memsz());
        }
        return (maxEnd + pageSize - 1) / pageSize;
    }

    /** The pfns the PT_LOADs cover ({@link #pages} of each). */
    public static PageBitmap present(List<ProgramHeader> loads, long maxMapnr, long pageSize) {
        PageBitmap present = new PageBitmap(maxMapnr);
        for (ProgramHeader ph : loads) {
            Range pfns = pages(ph, pageSize);
            present.setRange(pfns.start(), pfns.end());
        }
        return present;
    }

    @Override
    public void read(long pfn, byte[] dst) throws IOException {
        long pa = pfn * pageSize;
        ProgramHeader ph = physical.loadAt(pa);
        if (ph != null && pa >= ph.paddr() && pa + pageSize <= ph.paddr() + ph.memsz()) {
            physical.read(pa, MemorySegment.ofArray(dst).asSlice(0, pageSize));
            return;
        }
        // A page only partly inside the PT_LOADs: the rest reads as zeros.
        java.util.Arrays.fill(dst, 0, pageSize, (byte) 0);
        for (long b = 0; b < pageSize; ) {
            ProgramHeader at = physical.loadAt(pa + b);
            if (at == null) {
                b++;
                continue;
            }
            long n = Math.min(pageSize - b, at.paddr() + at.memsz() - (pa + b));
            physical.read(pa + b, MemorySegment.ofArray(dst).asSlice(b, n));
            b += n;
        }
    }

    @Override
    public void read(long pfn, int count, byte[] dst, int offset) throws IOException {
        if (!readInOne(pfn, count, MemorySegment.ofArray(dst).asSlice(offset, (long) count * pageSize))) {
            PageSource.super.read(pfn, count, dst, offset);
        }
    }

    @Override
    public void read(long pfn, int count, MemorySegment dst) throws IOException {
        if (!readInOne(pfn, count, dst)) {
            PageSource.super.read(pfn, count, dst);
        }
    }

    /** Reads the pages at once when one PT_LOAD holds them all; false when none does. */
    private boolean readInOne(long pfn, int count, MemorySegment dst) throws IOException {
        long pa = pfn * pageSize;
        long length = (long) count * pageSize;
        ProgramHeader ph = physical.loadAt(pa);
        if (ph != null && pa >= ph.paddr() && pa + length <= ph.paddr() + ph.memsz()) {
            physical.read(pa, dst.asSlice(0, length));
            return true;
        }
        return false;
    }

    @Override
    public CrashInfo crashInfo() {
        return crashInfo;
    }

    @Override
    public String name() {
        return image.name();
    }

    /** How runs of pages are read: through mmap windows (/proc/vmcore), or the reason they are not. */
    public String reading() {
        String why = image.whyNotMapped();
        return why != null ? why : image.name() + ": read through mmap windows";
    }

    @Override
    public void close() {
        image.close();
    }

    private CrashInfo readCrashInfo() throws CorruptInputException {
        List<ProgramHeader> noteHeaders = core.noteHeaders();
        if (noteHeaders.size() != 1) {
            throw new CorruptInputException(name(), core.phoff(), "has " + noteHeaders.size()
                    + " PT_NOTE segments; a vmcore has one");
        }
        ProgramHeader nh = noteHeaders.get(0);
        byte[] notes = core.data(nh).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        NoteSegment seg = core.noteSegments().get(0);
        long viOffset = -1;
        long viSize = 0;
        int cpus = 0;
        for (int i = 0; i < seg.notes().size(); i++) {
            Note n = seg.notes().get(i);
            if (VmcoreInfoNote.isVmcoreInfo(n)) {
                viOffset = seg.offsets().get(i) + NOTE_HEADER + ((n.nameSize() + 3L) & ~3L);
                viSize = n.descriptorSize();
            } else if ("CORE".equals(n.name()) && n.type() == Note.NT_PRSTATUS) {
                cpus++;
            }
        }
        long utsAddr = vmcoreinfo.symbol("init_uts_ns")
                + (vmcoreinfo.has("OFFSET(uts_namespace.name)") ? vmcoreinfo.offset("uts_namespace", "name") : 4);
        byte[] uts = kernel.read(utsAddr, UTSNAME_SIZE);
        return new CrashInfo(notes, viOffset, viSize, uts, vmcoreinfo.crashTime().orElse(0), translation.physBase(),
                cpus);
    }

    /**
     * The pfns of a PT_LOAD as makedumpfile counts them: from the page holding its first byte to the
     * last page it covers whole; a page the segment ends in the middle of (kexec_load's first RAM
     * segment 0x1000-0x9fc00) is a memory hole, in the bitmaps, "Memory Hole" and ELF p_filesz alike.
     */
    public static Range pages(ProgramHeader ph, long pageSize) {
        long start = ph.paddr() / pageSize;
        return new Range(start, Math.max(start, (ph.paddr() + ph.memsz()) / pageSize));
    }
}
