package dev.pmemdump.vmcore.elf;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.Ranges;
import dev.pmemdump.io.ReadableImage;
import dev.pmemdump.vmcore.xlat.MappedRange;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A validated ELF64 core: file header, program headers and (for files) notes and PT_LOAD data read
 * from its {@link ReadableImage} when asked for. Owns nothing: the image stays the caller's.
 *
 * <p>Two layouts exist. In a {@linkplain Layout#FILE file} (a /proc/vmcore copy, makedumpfile -E)
 * {@code p_offset} is a file offset, and every segment must lie in the file, PT_LOADs in file order
 * without overlap. In a kexec {@linkplain Layout#ELFCOREHDR elfcorehdr} {@code p_offset} is a
 * physical address; only the headers are checked and the segments are read from memory by the caller.
 */
public final class ElfCore {

    /** What {@code p_offset} means. */
    public enum Layout { FILE, ELFCOREHDR }

    private final String resource;
    private final ReadableImage image;
    private final Layout layout;
    private final ElfMachine machine;
    private final int type;
    private final long entry;
    private final long phoff;
    private final long shoff;
    private final int flags;
    private final List<ProgramHeader> programHeaders;

    private ElfCore(String resource, ReadableImage image, Layout layout, ElfMachine machine, int type, long entry,
                    long phoff, long shoff, int flags, List<ProgramHeader> programHeaders) {
        this.resource = resource;
        this.image = image;
        this.layout = layout;
        this.machine = machine;
        this.type = type;
        this.entry = entry;
        this.phoff = phoff;
        this.shoff = shoff;
        this.flags = flags;
        this.programHeaders = programHeaders;
    }

    /** Reads the headers of a core file (vmcore); its data is read from {@code image} when asked for. */
    public static ElfCore open(ReadableImage image) throws IOException {
        return read(image, Layout.FILE);
    }

    /** True when {@code bytes} start with the ELF magic (a probe: says "mine", not "valid"). */
    public static boolean isElf(MemorySegment bytes) {
        if (bytes.byteSize() < Elf64.MAGIC.length) {
            return false;
        }
        byte[] head = bytes.asSlice(0, Elf64.MAGIC.length).toArray(ValueLayout.JAVA_BYTE);
        return Arrays.equals(head, Elf64.MAGIC);
    }

    /** Reads and validates the core in {@code bytes}; {@code resource} names it in errors. */
    public static ElfCore read(MemorySegment bytes, String resource, Layout layout) throws CorruptInputException {
        try {
            return read(ReadableImage.of(bytes, resource), layout);
        } catch (CorruptInputException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("in-memory bytes failed to read", e); // checked against their size
        }
    }

    private static ElfCore read(ReadableImage image, Layout layout) throws IOException {
        String resource = image.name();
        long size = image.size();
        if (size < Elf64.EHDR_SIZE) {
            throw new CorruptInputException(resource, 0,
                    "too short for an ELF64 header (" + size + " bytes, need " + Elf64.EHDR_SIZE + ")");
        }
        MemorySegment bytes = image.bytes(0, Elf64.EHDR_SIZE, "ELF header");
        if (!isElf(bytes)) {
            throw new CorruptInputException(resource, 0, "not an ELF file (bad magic "
                    + java.util.HexFormat.of().formatHex(bytes.asSlice(0, 4).toArray(ValueLayout.JAVA_BYTE)) + ")");
        }
        byte cls = bytes.get(ValueLayout.JAVA_BYTE, Elf64.EI_CLASS);
        if (cls != Elf64.ELFCLASS64) {
            throw new CorruptInputException(resource, Elf64.EI_CLASS,
                    "ELF class " + cls + " is not ELFCLASS64 (2); only 64-bit cores are supported");
        }
        byte data = bytes.get(ValueLayout.JAVA_BYTE, Elf64.EI_DATA);
        ByteOrder order = switch (data) {
            case Elf64.ELFDATA2LSB -> ByteOrder.LITTLE_ENDIAN;
            case Elf64.ELFDATA2MSB -> ByteOrder.BIG_ENDIAN;
            default -> throw new CorruptInputException(resource, Elf64.EI_DATA,
                    "ELF data encoding " + data + " is neither little (1) nor big (2) endian");
        };
        byte identVersion = bytes.get(ValueLayout.JAVA_BYTE, Elf64.EI_VERSION);
        if (identVersion != Elf64.EV_CURRENT) {
            throw new CorruptInputException(resource, Elf64.EI_VERSION, "ELF ident version " + identVersion + " is not 1");
        }
        ValueLayout.OfShort u16 = Elf64.u16(order);
        ValueLayout.OfInt u32 = Elf64.u32(order);
        ValueLayout.OfLong u64 = Elf64.u64(order);
        int type = Short.toUnsignedInt(bytes.get(u16, Elf64.E_TYPE));
        if (type != Elf64.ET_CORE) {
            throw new CorruptInputException(resource, Elf64.E_TYPE, "e_type " + type + " is not ET_CORE (4)");
        }
        int em = Short.toUnsignedInt(bytes.get(u16, Elf64.E_MACHINE));
        ElfMachine machine = ElfMachine.of(em, order);
        if (machine == null) {
            throw new CorruptInputException(resource, Elf64.E_MACHINE, "unsupported e_machine " + em + " ("
                    + (order == ByteOrder.LITTLE_ENDIAN ? "little" : "big") + " endian)");
        }
        int version = bytes.get(u32, Elf64.E_VERSION);
        if (version != Elf64.EV_CURRENT) {
            throw new CorruptInputException(resource, Elf64.E_VERSION, "e_version " + Integer.toUnsignedString(version)
                    + " is not EV_CURRENT (1)");
        }
        int ehsize = Short.toUnsignedInt(bytes.get(u16, Elf64.E_EHSIZE));
        if (ehsize != Elf64.EHDR_SIZE) {
            throw new CorruptInputException(resource, Elf64.E_EHSIZE, "e_ehsize " + ehsize + " is not 64");
        }
        int phentsize = Short.toUnsignedInt(bytes.get(u16, Elf64.E_PHENTSIZE));
        if (phentsize != Elf64.PHDR_SIZE) {
            throw new CorruptInputException(resource, Elf64.E_PHENTSIZE, "e_phentsize " + phentsize + " is not 56");
        }
        int phnum = Short.toUnsignedInt(bytes.get(u16, Elf64.E_PHNUM));
        if (phnum == 0) {
            throw new CorruptInputException(resource, Elf64.E_PHNUM, "core file has no program headers (e_phnum 0)");
        }
        if (phnum == Elf64.PN_XNUM) {
            phnum = extendedPhnum(image, bytes, u64, u32, resource, size);
        }
        long phoff = bytes.get(u64, Elf64.E_PHOFF);
        long phBytes = (long) phnum * Elf64.PHDR_SIZE;
        if (!Ranges.fits(phoff, phBytes, size)) {
            throw new CorruptInputException(resource, Elf64.E_PHOFF, phnum + " program headers at e_phoff 0x"
                    + Long.toHexString(phoff) + " run past the end of the file (size 0x" + Long.toHexString(size) + ")");
        }
        MemorySegment table = image.bytes(phoff, phBytes, "program headers");
        List<ProgramHeader> phdrs = new ArrayList<>(phnum);
        for (int i = 0; i < phnum; i++) {
            long at = (long) i * Elf64.PHDR_SIZE;
            phdrs.add(new ProgramHeader(table.get(u32, at + Elf64.P_TYPE), table.get(u32, at + Elf64.P_FLAGS),
                    table.get(u64, at + Elf64.P_OFFSET), table.get(u64, at + Elf64.P_VADDR),
                    table.get(u64, at + Elf64.P_PADDR), table.get(u64, at + Elf64.P_FILESZ),
                    table.get(u64, at + Elf64.P_MEMSZ), table.get(u64, at + Elf64.P_ALIGN)));
        }
        ElfCore core = new ElfCore(resource, image, layout, machine, type, bytes.get(u64, Elf64.E_ENTRY), phoff,
                bytes.get(u64, Elf64.E_SHOFF), bytes.get(u32, Elf64.E_FLAGS), List.copyOf(phdrs));
        core.validateSegments();
        return core;
    }

    private void validateSegments() throws CorruptInputException {
        long size = image.size();
        long prevEnd = -1;
        int prevIndex = -1;
        for (int i = 0; i < programHeaders.size(); i++) {
            ProgramHeader ph = programHeaders.get(i);
            long at = phdrOffset(i);
            String what = "program header " + i + " (" + ph.typeName() + ")";
            if (!ph.isLoad() && !ph.isNote()) {
                continue;
            }
            if (ph.isLoad()) {
                if (Long.compareUnsigned(ph.filesz(), ph.memsz()) > 0) {
                    throw new CorruptInputException(resource, at, what + ": p_filesz 0x" + Long.toHexString(ph.filesz())
                            + " exceeds p_memsz 0x" + Long.toHexString(ph.memsz()));
                }
                if (ph.memsz() != 0 && Long.compareUnsigned(ph.paddr() + ph.memsz() - 1, ph.paddr()) < 0) {
                    throw new CorruptInputException(resource, at, what + ": physical range 0x"
                            + Long.toHexString(ph.paddr()) + " + 0x" + Long.toHexString(ph.memsz()) + " wraps around");
                }
            }
            if (layout == Layout.ELFCOREHDR) {
                continue;
            }
            if (!Ranges.fits(ph.offset(), ph.filesz(), size)) {
                throw new CorruptInputException(resource, at, what + ": data at 0x" + Long.toHexString(ph.offset())
                        + " (0x" + Long.toHexString(ph.filesz()) + " bytes) runs past the end of the file (size 0x"
                        + Long.toHexString(size) + ")");
            }
            if (ph.isLoad() && ph.filesz() > 0) {
                if (ph.offset() < prevEnd) {
                    throw new CorruptInputException(resource, at, what + ": data at 0x" + Long.toHexString(ph.offset())
                            + (ph.offset() < programHeaders.get(prevIndex).offset() ? " comes before" : " overlaps")
                            + " the data of program header " + prevIndex + " (PT_LOADs must be in file order)");
                }
                prevEnd = ph.offset() + ph.filesz();
                prevIndex = i;
            }
        }
    }

    private long phdrOffset(int index) {
        return phoff + (long) index * Elf64.PHDR_SIZE;
    }

    public String resource() {
        return resource;
    }

    public Layout layout() {
        return layout;
    }

    public ElfMachine machine() {
        return machine;
    }

    public ByteOrder order() {
        return machine.order();
    }

    /** {@code e_type} (always ET_CORE, 4, once read). */
    public int type() {
        return type;
    }

    public long entry() {
        return entry;
    }

    public long phoff() {
        return phoff;
    }

    public long shoff() {
        return shoff;
    }

    public int flags() {
        return flags;
    }

    /** ELF extended numbering: e_phnum PN_XNUM, the count in sh_info of section header 0 (at e_shoff). */
    private static int extendedPhnum(ReadableImage image, MemorySegment ehdr, ValueLayout.OfLong u64,
                                     ValueLayout.OfInt u32, String resource, long size) throws IOException {
        long shoff = ehdr.get(u64, Elf64.E_SHOFF);
        if (shoff == 0 || !Ranges.fits(shoff, Elf64.SHDR_SIZE, size)) {
            throw new CorruptInputException(resource, Elf64.E_SHOFF, "e_phnum PN_XNUM but section header 0 at e_shoff 0x"
                    + Long.toHexString(shoff) + " is not in the file (size 0x" + Long.toHexString(size) + ")");
        }
        long count = Integer.toUnsignedLong(image.bytes(shoff, Elf64.SHDR_SIZE, "section header 0").get(u32, Elf64.SH_INFO));
        if (count == 0 || count > Integer.MAX_VALUE / Elf64.PHDR_SIZE) {
            throw new CorruptInputException(resource, shoff + Elf64.SH_INFO, "extended numbering names " + count
                    + " program headers (sh_info of section header 0)");
        }
        return (int) count;
    }

    /** All program headers in file order. */
    public List<ProgramHeader> programHeaders() {
        return programHeaders;
    }

    /** The PT_LOAD headers in file order. */
    public List<ProgramHeader> loads() {
        return programHeaders.stream().filter(ProgramHeader::isLoad).toList();
    }

    /** What the PT_LOADs record of the kernel's virtual layout ({@code p_vaddr -> p_paddr}, p_memsz), in file order. */
    public List<MappedRange> mappedRanges() {
        return loads().stream().map(ph -> new MappedRange(ph.vaddr(), ph.paddr(), ph.memsz())).toList();
    }

    /** The PT_NOTE headers in file order. */
    public List<ProgramHeader> noteHeaders() {
        return programHeaders.stream().filter(ProgramHeader::isNote).toList();
    }

    /**
     * The file bytes of a PT_NOTE or a small PT_LOAD ({@code p_filesz} bytes at {@code p_offset}), a view
     * or a copy depending on the image; files only. Bulk data is read with {@link #readData}.
     */
    public MemorySegment data(ProgramHeader ph) throws CorruptInputException {
        requireFile();
        try {
            return image.bytes(ph.offset(), ph.filesz(), ph.typeName() + " data");
        } catch (CorruptInputException e) {
            throw e;
        } catch (IOException e) {
            throw readError(ph.offset(), e);
        }
    }

    /** Copies {@code dst.byteSize()} file bytes of {@code ph} from {@code at} bytes into its data; files only. */
    public void readData(ProgramHeader ph, long at, MemorySegment dst) throws CorruptInputException {
        requireFile();
        if (!Ranges.fits(at, dst.byteSize(), ph.filesz())) {
            throw new IllegalArgumentException(resource + ": 0x" + Long.toHexString(dst.byteSize()) + " bytes at 0x"
                    + Long.toHexString(at) + " are outside the 0x" + Long.toHexString(ph.filesz()) + " bytes of " + ph);
        }
        try {
            image.read(ph.offset() + at, dst, ph.typeName() + " data");
        } catch (CorruptInputException e) {
            throw e;
        } catch (IOException e) {
            throw readError(ph.offset() + at, e);
        }
    }

    /** An I/O error under a reader that reports corrupt input: the same one line naming file and offset. */
    private CorruptInputException readError(long offset, IOException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new CorruptInputException(resource, offset, m.startsWith(resource) ? "read failed" : m, e);
    }

    /** The parsed notes of each PT_NOTE, in file order; files only. */
    public List<NoteSegment> noteSegments() throws CorruptInputException {
        requireFile();
        List<NoteSegment> out = new ArrayList<>();
        for (ProgramHeader ph : noteHeaders()) {
            out.add(NoteSegment.parse(data(ph), order(), resource, ph.offset()));
        }
        return out;
    }

    /** All notes of all PT_NOTE segments, in file order; files only. */
    public List<Note> notes() throws CorruptInputException {
        List<Note> out = new ArrayList<>();
        for (NoteSegment s : noteSegments()) {
            out.addAll(s.notes());
        }
        return out;
    }

    private void requireFile() {
        if (layout != Layout.FILE) {
            throw new IllegalStateException(resource + ": an elfcorehdr holds physical addresses, not file data");
        }
    }

    @Override
    public String toString() {
        return "ElfCore(" + resource + ", " + machine + ", " + layout + ", " + programHeaders.size() + " phdrs)";
    }
}
