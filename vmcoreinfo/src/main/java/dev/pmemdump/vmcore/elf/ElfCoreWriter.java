package dev.pmemdump.vmcore.elf;

import dev.pmemdump.io.AtomicOutput;
import dev.pmemdump.io.Writes;
import dev.pmemdump.io.Extent;
import dev.pmemdump.io.Progress;
import dev.pmemdump.io.Ranges;
import dev.pmemdump.vmcore.xlat.PhysicalMemory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes ELF64 cores in the two shapes the crash path uses (docs/dump-formats.md §1.2, §1.4):
 * <ul>
 * <li>the kexec <b>elfcorehdr</b>: headers only, {@code p_offset} = physical address, one PT_NOTE per
 *     CPU plus one for VMCOREINFO ({@link #elfcorehdr});</li>
 * <li>the capture kernel's <b>/proc/vmcore</b>: one merged PT_NOTE first, notes on the page after the
 *     headers, each PT_LOAD's data at {@code vmcore_off + (src - rounddown(src))}, in order, where
 *     {@code src} is the elfcorehdr's {@code p_offset} (the physical source, not always {@code p_paddr})
 *     ({@link #writeVmcore}).</li>
 * </ul>
 */
public final class ElfCoreWriter {
    private ElfCoreWriter() {}

    /** Alignment the kernel's kexec_file gives the elfcorehdr ({@code ELF_CORE_HEADER_ALIGN}). */
    public static final int KERNEL_ELFCOREHDR_ALIGN = 4096;
    /** Alignment kexec-tools uses for the elfcorehdr. */
    public static final int KEXEC_TOOLS_ELFCOREHDR_ALIGN = 1024;

    private static final int COPY_CHUNK = 1 << 20;

    /**
     * Bytes {@link #encodeHeaders} makes for {@code phnum} program headers: file header, program headers
     * and, from {@link Elf64#PN_XNUM} of them on, section header 0.
     */
    public static long headersSize(long phnum) {
        return Elf64.EHDR_SIZE + phnum * Elf64.PHDR_SIZE + (phnum >= Elf64.PN_XNUM ? Elf64.SHDR_SIZE : 0);
    }

    /**
     * Elf64_Ehdr followed by the program headers, exactly as both kernel producers fill them. From
     * {@link Elf64#PN_XNUM} program headers on, ELF extended numbering as makedumpfile writes it: e_phnum
     * PN_XNUM and section header 0 right after the program headers (e_shoff, e_shentsize 64, e_shnum 1),
     * its sh_info the real count, sh_size 1 (e_shnum), the rest zero.
     */
    public static byte[] encodeHeaders(ElfMachine machine, List<ProgramHeader> phdrs) {
        if (phdrs.isEmpty() || headersSize(phdrs.size()) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a core needs 1.." + (Integer.MAX_VALUE - 8 - Elf64.EHDR_SIZE
                    - Elf64.SHDR_SIZE) / Elf64.PHDR_SIZE + " program headers, got " + phdrs.size());
        }
        ByteOrder order = machine.order();
        MemorySegment out = MemorySegment.ofArray(new byte[(int) headersSize(phdrs.size())]);
        MemorySegment.copy(MemorySegment.ofArray(Elf64.MAGIC), 0, out, 0, Elf64.MAGIC.length);
        out.set(ValueLayout.JAVA_BYTE, Elf64.EI_CLASS, Elf64.ELFCLASS64);
        out.set(ValueLayout.JAVA_BYTE, Elf64.EI_DATA,
                order == ByteOrder.LITTLE_ENDIAN ? Elf64.ELFDATA2LSB : Elf64.ELFDATA2MSB);
        out.set(ValueLayout.JAVA_BYTE, Elf64.EI_VERSION, Elf64.EV_CURRENT);
        ValueLayout.OfShort u16 = Elf64.u16(order);
        ValueLayout.OfInt u32 = Elf64.u32(order);
        ValueLayout.OfLong u64 = Elf64.u64(order);
        out.set(u16, Elf64.E_TYPE, (short) Elf64.ET_CORE);
        out.set(u16, Elf64.E_MACHINE, (short) machine.emMachine());
        out.set(u32, Elf64.E_VERSION, Elf64.EV_CURRENT);
        out.set(u64, Elf64.E_PHOFF, Elf64.EHDR_SIZE);
        out.set(u16, Elf64.E_EHSIZE, (short) Elf64.EHDR_SIZE);
        out.set(u16, Elf64.E_PHENTSIZE, (short) Elf64.PHDR_SIZE);
        if (phdrs.size() >= Elf64.PN_XNUM) {
            long shoff = Elf64.EHDR_SIZE + (long) phdrs.size() * Elf64.PHDR_SIZE;
            out.set(u16, Elf64.E_PHNUM, (short) Elf64.PN_XNUM);
            out.set(u64, Elf64.E_SHOFF, shoff);
            out.set(u16, Elf64.E_SHENTSIZE, (short) Elf64.SHDR_SIZE);
            out.set(u16, Elf64.E_SHNUM, (short) 1);
            out.set(u64, shoff + Elf64.SH_SIZE, 1); // makedumpfile's copy of e_shnum
            out.set(u32, shoff + Elf64.SH_INFO, phdrs.size());
        } else {
            out.set(u16, Elf64.E_PHNUM, (short) phdrs.size());
        }
        for (int i = 0; i < phdrs.size(); i++) {
            ProgramHeader ph = phdrs.get(i);
            long at = Elf64.EHDR_SIZE + (long) i * Elf64.PHDR_SIZE;
            out.set(u32, at + Elf64.P_TYPE, ph.type());
            out.set(u32, at + Elf64.P_FLAGS, ph.flags());
            out.set(u64, at + Elf64.P_OFFSET, ph.offset());
            out.set(u64, at + Elf64.P_VADDR, ph.vaddr());
            out.set(u64, at + Elf64.P_PADDR, ph.paddr());
            out.set(u64, at + Elf64.P_FILESZ, ph.filesz());
            out.set(u64, at + Elf64.P_MEMSZ, ph.memsz());
            out.set(u64, at + Elf64.P_ALIGN, ph.align());
        }
        return out.toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * An elfcorehdr: {@code phdrs} (PT_NOTEs first, then PT_LOADs, every {@code p_offset} a physical
     * address) after the file header, zero-padded to {@code align} bytes.
     */
    public static byte[] elfcorehdr(ElfMachine machine, List<ProgramHeader> phdrs, int align) {
        byte[] headers = encodeHeaders(machine, phdrs);
        return java.util.Arrays.copyOf(headers, (int) Ranges.alignUp(headers.length, align));
    }

    /**
     * The program headers of the /proc/vmcore built from {@code loads} (elfcorehdr form) and
     * {@code notesSize} bytes of merged notes: the PT_NOTE first, then each PT_LOAD with its file offset.
     * Like the capture kernel (docs/dump-formats.md §1.4), a segment is page-rounded on its source, the
     * elfcorehdr's {@code p_offset}, over {@code p_memsz}: for fadump's boot-memory copy the source
     * is the copy while {@code p_paddr} stays the low-memory address.
     */
    public static List<ProgramHeader> vmcoreLayout(long pageSize, long notesSize, List<ProgramHeader> loads) {
        List<ProgramHeader> out = new ArrayList<>();
        long headerSize = Elf64.EHDR_SIZE + (long) (loads.size() + 1) * Elf64.PHDR_SIZE;
        long noteOffset = Ranges.alignUp(headerSize, pageSize);
        out.add(ProgramHeader.note(noteOffset, notesSize));
        long vmcoreOff = Ranges.alignUp(noteOffset + notesSize, pageSize);
        for (ProgramHeader ph : loads) {
            if (!ph.isLoad()) {
                throw new IllegalArgumentException("not a PT_LOAD: " + ph);
            }
            long start = Ranges.alignDown(ph.offset(), pageSize);
            long end = Ranges.alignUp(Math.addExact(ph.offset(), ph.memsz()), pageSize);
            out.add(ph.withOffset(vmcoreOff + (ph.offset() - start)));
            vmcoreOff = Math.addExact(vmcoreOff, end - start);
        }
        return out;
    }

    /**
     * Writes a /proc/vmcore-shaped file into {@code out} (the caller commits it). {@code loads} are in elfcorehdr
     * form: each one's bytes are read from {@code memory} at its {@code p_offset}. Pages that read as
     * zero are left as holes, so the file is sparse; what {@code memory} reports outside its
     * {@link PhysicalMemory#dataExtents data extents} is not even read. Returns the headers written.
     */
    public static List<ProgramHeader> writeVmcore(AtomicOutput out, ElfMachine machine, long pageSize, List<Note> notes,
                                                  List<ProgramHeader> loads, PhysicalMemory memory) throws IOException {
        byte[] noteBytes = NoteSegment.encode(notes, machine.order());
        List<ProgramHeader> phdrs = vmcoreLayout(pageSize, noteBytes.length, loads);
        long total = Ranges.alignUp(phdrs.getFirst().offset() + noteBytes.length, pageSize);
        long dataBytes = 0;
        for (ProgramHeader ph : phdrs.subList(1, phdrs.size())) {
            total = Math.max(total, Ranges.alignUp(ph.offset() + ph.filesz(), pageSize));
            dataBytes += ph.filesz();
        }
        Progress progress = Progress.onTerminal("writing " + out.target().getFileName());
        try (Arena arena = Arena.ofConfined()) {
            FileChannel ch = out.channel();
            Writes.fully(ch, ByteBuffer.wrap(encodeHeaders(machine, phdrs)), 0);
            Writes.fully(ch, ByteBuffer.wrap(noteBytes), phdrs.getFirst().offset());
            MemorySegment buf = arena.allocate(COPY_CHUNK, pageSize);
            long done = 0;
            for (int i = 0; i < loads.size(); i++) {
                ProgramHeader src = loads.get(i);
                ProgramHeader dst = phdrs.get(i + 1);
                for (Extent run : pageRuns(memory.dataExtents(src.offset(), src.filesz()), src, pageSize)) {
                    for (long pos = run.start(); pos < run.end(); pos += COPY_CHUNK) {
                        int n = (int) Math.min(COPY_CHUNK, run.end() - pos);
                        MemorySegment chunk = buf.asSlice(0, n);
                        memory.read(src.offset() + pos, chunk);
                        writeNonZeroPages(ch, chunk, dst.offset() + pos, pageSize);
                        progress.update(done + pos + n, dataBytes);
                    }
                }
                done += src.filesz();
                progress.update(done, dataBytes);
            }
            if (ch.size() < total) {
                Writes.fully(ch, ByteBuffer.allocate(1), total - 1);
            }
        } finally {
            progress.finish();
        }
        return phdrs;
    }

    /**
     * The data extents of {@code src} as merged runs of whole pages counted from the segment's start
     * (the grid on which zero pages are left out), clipped to {@code p_filesz}.
     */
    private static List<Extent> pageRuns(List<Extent> data, ProgramHeader src, long pageSize) {
        List<Extent> runs = new ArrayList<>();
        for (Extent e : data) {
            long from = Ranges.alignDown(e.start() - src.offset(), pageSize);
            long to = Math.min(Ranges.alignUp(e.end() - src.offset(), pageSize), src.filesz());
            if (!runs.isEmpty() && runs.getLast().end() >= from) {
                Extent last = runs.removeLast();
                from = last.start();
                to = Math.max(to, last.end());
            }
            runs.add(new Extent(from, to));
        }
        return runs;
    }

    private static final MemorySegment ZERO_PAGE_CACHE = MemorySegment.ofArray(new byte[65536]);

    private static void writeNonZeroPages(FileChannel ch, MemorySegment chunk, long fileOffset, long pageSize)
            throws IOException {
        long n = chunk.byteSize();
        long runStart = -1;
        for (long p = 0; p < n; p += pageSize) {
            boolean zero = isZero(chunk.asSlice(p, Math.min(pageSize, n - p)));
            if (!zero && runStart < 0) {
                runStart = p;
            } else if (zero && runStart >= 0) {
                Writes.fully(ch, chunk.asSlice(runStart, p - runStart).asByteBuffer(), fileOffset + runStart);
                runStart = -1;
            }
        }
        if (runStart >= 0) {
            Writes.fully(ch, chunk.asSlice(runStart, n - runStart).asByteBuffer(), fileOffset + runStart);
        }
    }

    private static boolean isZero(MemorySegment page) {
        for (long off = 0; off < page.byteSize(); off += ZERO_PAGE_CACHE.byteSize()) {
            long len = Math.min(ZERO_PAGE_CACHE.byteSize(), page.byteSize() - off);
            if (MemorySegment.mismatch(page, off, off + len, ZERO_PAGE_CACHE, 0, len) >= 0) {
                return false;
            }
        }
        return true;
    }

}
