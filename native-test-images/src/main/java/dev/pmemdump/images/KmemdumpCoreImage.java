package dev.pmemdump.images;

import dev.pmemdump.io.Range;

import dev.pmemdump.io.AtomicOutput;
import dev.pmemdump.io.Writes;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.elf.ElfCoreWriter;
import dev.pmemdump.vmcore.elf.ElfMachine;
import dev.pmemdump.vmcore.elf.Note;
import dev.pmemdump.vmcore.elf.NoteSegment;
import dev.pmemdump.vmcore.elf.ProgramHeader;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kmemdump RFC's coreimage (docs/dump-formats.md §5.1): a small ELF holding only registered regions,
 * laid out as the concatenation of the regions its backend saved. Region 1 is the ELF header with
 * room for 201 program headers, then the notes ("CORE" prstatus with zero registers, "CORE"
 * prpsinfo, the VMCOREINFO note header); region 2 is the VMCOREINFO text, completing that note; each
 * further region is one PT_LOAD (p_vaddr its kernel address, p_paddr its physical address,
 * PF_R|PF_W, sizes rounded up to 4, offsets a running sum with no page alignment).
 */
final class KmemdumpCoreImage {
    static final int MAX_NUM_ENTRIES = 201;
    static final int PRSTATUS_SIZE = Panic.PRSTATUS_SIZE;
    /** sizeof(struct elf_prpsinfo) on x86_64; pr_sname at 1, pr_fname[16] at 40, pr_psargs[80] at 56. */
    static final int PRPSINFO_SIZE = 136;
    static final int NT_PRPSINFO = 3;

    /** One registered memory region. */
    record Region(String name, long vaddr, long paddr, MemorySegment data) {}

    private KmemdumpCoreImage() {}

    static int align4(long v) {
        return (int) ((v + 3) & ~3L);
    }

    /** Writes the core image into {@code out} (the caller commits it); returns its program headers (PT_NOTE first). */
    static List<ProgramHeader> write(AtomicOutput out, VmcoreInfo info, String commandLine, List<Region> regions)
            throws IOException {
        byte[] vmcoreinfo = info.bytes();
        int vmcoreinfoAligned = align4(vmcoreinfo.length);
        long elfhSize = align4(64 + PRSTATUS_SIZE + PRPSINFO_SIZE + "VMCOREINFO".length() + 1 + vmcoreinfoAligned
                + 56L * MAX_NUM_ENTRIES);
        byte[] prpsinfo = new byte[PRPSINFO_SIZE];
        prpsinfo[1] = 'R';
        byte[] fname = "vmlinux".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(fname, 0, prpsinfo, 40, fname.length);
        byte[] args = commandLine.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(args, 0, prpsinfo, 56, Math.min(args.length, 79));
        byte[] notes = NoteSegment.encode(List.of(new Note("CORE", Note.NT_PRSTATUS, new byte[PRSTATUS_SIZE]),
                new Note("CORE", NT_PRPSINFO, prpsinfo),
                new Note("VMCOREINFO", 0, new byte[vmcoreinfoAligned])), ByteOrder.LITTLE_ENDIAN);
        long noteLen = notes.length;

        List<ProgramHeader> phdrs = new ArrayList<>();
        // kmemdump leaves the PT_NOTE's p_memsz at 0
        phdrs.add(new ProgramHeader(ProgramHeader.PT_NOTE, 0, elfhSize, 0, 0, noteLen, 0, 0));
        long offset = elfhSize + noteLen;
        for (Region r : regions) {
            long size = align4(r.data().byteSize());
            phdrs.add(new ProgramHeader(ProgramHeader.PT_LOAD, ProgramHeader.PF_R | ProgramHeader.PF_W, offset,
                    r.vaddr(), r.paddr(), size, size, 0));
            offset += size;
        }
        if (phdrs.size() > MAX_NUM_ENTRIES) {
            throw new IllegalArgumentException("kmemdump holds at most " + (MAX_NUM_ENTRIES - 1) + " regions");
        }
        FileChannel ch = out.channel();
        write(ch, ElfCoreWriter.encodeHeaders(ElfMachine.X86_64, phdrs), 0);
        // region 1 ends with the VMCOREINFO note header; region 2 (the text) is its descriptor
        write(ch, java.util.Arrays.copyOf(notes, (int) (noteLen - vmcoreinfoAligned)), elfhSize);
        write(ch, java.util.Arrays.copyOf(vmcoreinfo, vmcoreinfoAligned), elfhSize + noteLen - vmcoreinfoAligned);
        for (int i = 0; i < regions.size(); i++) {
            ProgramHeader ph = phdrs.get(i + 1);
            MemorySegment data = regions.get(i).data();
            write(ch, data.asByteBuffer(), ph.offset());
            write(ch, ByteBuffer.allocate((int) (ph.filesz() - data.byteSize())), ph.offset() + data.byteSize());
        }
        return phdrs;
    }

    private static void write(FileChannel ch, byte[] b, long at) throws IOException {
        write(ch, ByteBuffer.wrap(b), at);
    }

    private static void write(FileChannel ch, ByteBuffer buf, long at) throws IOException {
        Writes.fully(ch, buf, at);
    }

    /**
     * What a 6.1-like kernel with kmemdump registers for this scenario: init_uts_ns, the mem_section
     * root array, swapper_pg_dir, and the metadata range of each --map=dev namespace.
     */
    static List<Region> regions(FirstKernel k) {
        List<Region> out = new ArrayList<>();
        long uts = k.symbols().get("init_uts_ns");
        out.add(region(k, "init_uts_ns", uts, k.textPhys() + (uts - Linux61.TEXT_VA), 6 * Linux61.UTS_FIELD_LEN));
        long ms = k.symbols().get("mem_section");
        out.add(region(k, "mem_section", ms, ms - Linux61.PAGE_OFFSET, MemSection.rootArrayBytes()));
        long pgd = k.symbols().get("init_top_pgt");
        out.add(region(k, "swapper_pg_dir", pgd, k.textPhys() + (pgd - Linux61.TEXT_VA), Linux61.PAGE_SIZE));
        for (PmemDevices.Placed p : k.pmem().withMemmap()) {
            if (p.onDevice()) {
                Range r = p.metadataPfns();
                long pa = r.start() << Linux61.PAGE_SHIFT;
                long len = r.length() << Linux61.PAGE_SHIFT;
                out.add(new Region(p.ns().dev() + " metadata", Linux61.directMap(pa), pa, p.image().slice(pa, len)));
            }
            for (Range r : k.pmem().ramMemmapPfns(p)) {
                long pa = r.start() << Linux61.PAGE_SHIFT;
                out.add(region(k, p.ns().dev() + " memmap in RAM", Linux61.directMap(pa), pa,
                        r.length() << Linux61.PAGE_SHIFT));
            }
        }
        return out;
    }

    private static Region region(FirstKernel k, String name, long va, long pa, long len) {
        return new Region(name, va, pa, k.ram().slice(pa, len));
    }
}
