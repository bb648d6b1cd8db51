package dev.pmemdump.filter.memusage;

import dev.pmemdump.filter.elf.ElfPageSource;
import dev.pmemdump.filter.page.CrashInfo;
import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.filter.page.PageSource;
import dev.pmemdump.io.Bytes;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.PositionalImage;
import dev.pmemdump.io.Range;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.VmcoreInfoNote;
import dev.pmemdump.vmcore.elf.NoteSegment;
import dev.pmemdump.vmcore.elf.ProgramHeader;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * /proc/kcore as --mem-usage reads it (makedumpfile's get_kcore_dump_loads): its PT_LOADs with a
 * physical address (RAM and kernel text; vmalloc and vmemmap have p_paddr -1), less the crash
 * kernel's reservation, are the physical memory. The file is read with positional reads.
 */
final class Kcore implements PageSource {
    /** kcore's p_paddr for a segment that is not physical memory (vmalloc, vmemmap, modules). */
    static final long NOT_PADDR = -1;
    private static final int PHDR_SIZE = 56;
    /** The kernel's VMCOREINFO_NOTE_SIZE is one page plus a header: 64 KiB is far beyond any. */
    private static final long MAX_NOTE_BYTES = 1 << 16;
    /** kcore has a few dozen PT_LOADs; more is not a kcore. */
    private static final int MAX_PHDRS = 4096;

    private final PositionalImage image;
    private final List<ProgramHeader> loads;
    private final int pageSize;
    private final long maxMapnr;
    private final byte[] notes;
    private final VmcoreInfo vmcoreinfo;

    private Kcore(PositionalImage image, List<ProgramHeader> loads, byte[] notes, LiveSystem system)
            throws IOException {
        this.image = image;
        this.loads = List.copyOf(loads);
        this.notes = notes;
        this.vmcoreinfo = readVmcoreinfo(system);
        this.pageSize = (int) vmcoreinfo.pageSize();
        this.maxMapnr = ElfPageSource.maxMapnr(loads, pageSize);
    }

    /**
     * The program headers of the kcore at {@code path}, read by hand: kcore's vmalloc segment (p_paddr
     * -1, p_memsz of terabytes) is no vmcore's shape.
     */
    static List<ProgramHeader> programHeaders(PositionalImage image) throws IOException {
        String file = image.name();
        MemorySegment eh = image.bytes(0, 64, "ELF header");
        if (eh.get(Bytes.LE_U32, 0) != 0x464c457f || eh.get(Bytes.U8, 4) != 2 || eh.get(Bytes.U8, 5) != 1) {
            throw new CorruptInputException(file, 0, "not a 64-bit little-endian ELF file (/proc/kcore)");
        }
        long phoff = eh.get(Bytes.LE_U64, 32);
        int phnum = Short.toUnsignedInt(eh.get(Bytes.LE_U16, 56));
        if (phnum == 0 || phnum > MAX_PHDRS) {
            throw new CorruptInputException(file, 56, "e_phnum " + phnum + " is not a kcore's");
        }
        MemorySegment ph = image.bytes(phoff, (long) phnum * PHDR_SIZE, "program headers");
        List<ProgramHeader> out = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            long at = (long) i * PHDR_SIZE;
            out.add(new ProgramHeader(ph.get(Bytes.LE_U32, at), ph.get(Bytes.LE_U32, at + 4),
                    ph.get(Bytes.LE_U64, at + 8), ph.get(Bytes.LE_U64, at + 16), ph.get(Bytes.LE_U64, at + 24),
                    ph.get(Bytes.LE_U64, at + 32), ph.get(Bytes.LE_U64, at + 40), ph.get(Bytes.LE_U64, at + 48)));
        }
        return out;
    }

    /**
     * Opens {@code path}: the loads with a physical address, each less what {@code reserved} (the crash
     * kernel's ranges) covers, split around it as makedumpfile's exclude_segment does.
     */
    static Kcore open(Path path, List<Range> reserved, LiveSystem system) throws IOException {
        PositionalImage image = PositionalImage.open(path);
        try {
            List<ProgramHeader> loads = new ArrayList<>();
            byte[] notes = new byte[0];
            for (ProgramHeader ph : programHeaders(image)) {
                if (ph.isNote() && notes.length == 0) {
                    notes = image.bytes(ph.offset(), ph.filesz(), "PT_NOTE").toArray(Bytes.U8);
                } else if (ph.isLoad() && ph.paddr() != NOT_PADDR) {
                    loads.addAll(without(ph, reserved));
                }
            }
            if (loads.isEmpty()) {
                throw new CorruptInputException(path.toString(), -1, "get_kcore_dump_loads: Can't get the correct "
                        + "number of PT_LOAD.");
            }
            return new Kcore(image, loads, notes, system);
        } catch (IOException | RuntimeException e) {
            image.close();
            throw e;
        }
    }

    /** {@code ph} without the physical ranges of {@code reserved}: none, one or two loads. */
    static List<ProgramHeader> without(ProgramHeader ph, List<Range> reserved) {
        List<ProgramHeader> parts = List.of(ph);
        for (Range r : reserved) {
            List<ProgramHeader> next = new ArrayList<>();
            for (ProgramHeader p : parts) {
                long start = p.paddr();
                long end = p.paddr() + p.memsz();
                if (r.start() >= end || r.end() <= start) {
                    next.add(p);
                    continue;
                }
                if (r.start() > start) {
                    next.add(slice(p, start, r.start()));
                }
                if (r.end() < end) {
                    next.add(slice(p, r.end(), end));
                }
            }
            parts = next;
        }
        return parts;
    }

    private static ProgramHeader slice(ProgramHeader p, long from, long to) {
        long skip = from - p.paddr();
        return new ProgramHeader(p.type(), p.flags(), p.offset() + skip, p.vaddr() + skip, from, to - from, to - from,
                p.align());
    }

    /** The loads kept, as physical ranges with their kcore file offsets. */
    List<ProgramHeader> loads() {
        return loads;
    }

    /** The running kernel's VMCOREINFO. */
    VmcoreInfo vmcoreinfo() {
        return vmcoreinfo;
    }

    /**
     * The kcore's VMCOREINFO note (Linux 4.19 and later); else, as makedumpfile does, the note at the
     * physical address /sys/kernel/vmcoreinfo gives ("%Lx %Lx": address and size).
     */
    private VmcoreInfo readVmcoreinfo(LiveSystem system) throws IOException {
        Optional<VmcoreInfo> inNotes = VmcoreInfoNote.find(
                NoteSegment.parse(MemorySegment.ofArray(notes), ByteOrder.LITTLE_ENDIAN, image.name(), 0).notes(),
                image.name());
        if (inNotes.isPresent()) {
            return inNotes.get();
        }
        String sys = system.sysVmcoreinfo().toString();
        String[] f = Files.readString(system.sysVmcoreinfo()).strip().split("\\s+");
        long addr;
        long size;
        try {
            addr = Long.parseUnsignedLong(hex(f[0]), 16);
            size = Long.parseLong(hex(f[1]), 16);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new CorruptInputException(sys, 0, "Cannot parse " + sys + ": sscanf failed.");
        }
        if (size <= 0 || size > MAX_NOTE_BYTES) {
            throw new CorruptInputException(sys, 0, "a VMCOREINFO note of 0x" + Long.toHexString(size) + " bytes");
        }
        byte[] note = readPhysical(addr, (int) size);
        return VmcoreInfoNote.find(NoteSegment.parse(MemorySegment.ofArray(note), ByteOrder.LITTLE_ENDIAN, sys, addr)
                .notes(), sys).orElseThrow(() -> new CorruptInputException(sys, 0, "no VMCOREINFO note at 0x"
                + Long.toHexString(addr)));
    }

    /** A "%Lx" field: hex digits, an optional 0x before them. */
    private static String hex(String field) {
        return field.startsWith("0x") || field.startsWith("0X") ? field.substring(2) : field;
    }

    /** {@code size} bytes at physical {@code addr}. */
    private byte[] readPhysical(long addr, int size) throws IOException {
        ProgramHeader ph = loadHolding(addr, size);
        if (ph == null) {
            throw new CorruptInputException(image.name(), -1, "physical address 0x" + Long.toHexString(addr)
                    + " is in no PT_LOAD");
        }
        return image.bytes(ph.offset() + (addr - ph.paddr()), size, "vmcoreinfo note").toArray(Bytes.U8);
    }

    /** The PT_LOAD holding the physical bytes {@code [addr, addr + size)} whole, or null. */
    private ProgramHeader loadHolding(long addr, int size) {
        for (ProgramHeader ph : loads) {
            if (ph.containsPhysical(addr) && addr + size <= ph.paddr() + ph.memsz()) {
                return ph;
            }
        }
        return null;
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
        return ElfPageSource.present(loads, maxMapnr, pageSize);
    }

    @Override
    public PageBitmap readable() {
        return present();
    }

    @Override
    public void read(long pfn, byte[] dst) throws IOException {
        long pa = pfn * pageSize;
        ProgramHeader ph = loadHolding(pa, pageSize);
        if (ph == null) {
            throw new IllegalArgumentException(image.name() + ": pfn 0x" + Long.toHexString(pfn) + " is in no PT_LOAD");
        }
        image.read(ph.offset() + (pa - ph.paddr()), MemorySegment.ofArray(dst).asSlice(0, pageSize), "page");
    }

    /** Nothing of the crash: --mem-usage writes no dump. The notes are kept for VMCOREINFO. */
    @Override
    public CrashInfo crashInfo() {
        return new CrashInfo(notes, -1, 0, new byte[390], 0, 0, 0);
    }

    @Override
    public String name() {
        return image.name();
    }

    @Override
    public void close() {
        image.close();
    }

}
