package dev.pmemdump.vmcore.elf;

import dev.pmemdump.testing.Outputs;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.Extent;
import dev.pmemdump.io.MappedImage;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.VmcoreInfoNote;
import dev.pmemdump.vmcore.xlat.FlatPhysicalMemory;
import dev.pmemdump.vmcore.xlat.PhysicalMemory;
import dev.pmemdump.testing.FixtureTest;
import dev.pmemdump.testing.OracleTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A synthetic first kernel: memory with CPU notes, a VMCOREINFO note buffer and an elfcorehdr in the
 * kernel's shape, converted the way the capture kernel does and checked with readelf.
 */
@FixtureTest
class ElfCoreWriterTest {
    static final long MEM_SIZE = 16L << 20;
    static final long CPU_NOTES = 0x10000;
    static final long VMCOREINFO_NOTE = 0x11000;

    record FirstKernel(byte[] memory, byte[] elfcorehdr, List<Note> notes, List<ProgramHeader> loads) {}

    static FirstKernel firstKernel(int cpus) throws Exception {
        byte[] mem = new byte[(int) MEM_SIZE];
        Random rnd = new Random(42);
        // Data pages with holes between them, so sparseness and zero pages both occur.
        for (int page = 0x100; page < MEM_SIZE / 4096; page++) {
            if (page % 3 != 0) {
                for (int i = 0; i < 4096; i += 64) {
                    mem[page * 4096 + i] = (byte) (1 + rnd.nextInt(255));
                }
            }
        }
        List<Note> notes = new ArrayList<>();
        ElfcorehdrBuilder hdr = new ElfcorehdrBuilder(ElfMachine.X86_64);
        for (int cpu = 0; cpu < cpus; cpu++) {
            byte[] prstatus = new byte[336];
            rnd.nextBytes(prstatus);
            notes.add(new Note("CORE", Note.NT_PRSTATUS, prstatus));
            byte[] buf = ElfcorehdrBuilder.crashNoteBuffer(ElfMachine.X86_64, prstatus);
            assertEquals(368, buf.length, "sizeof(note_buf_t)");
            long at = CPU_NOTES + cpu * 0x400L;
            System.arraycopy(buf, 0, mem, (int) at, buf.length);
            hdr.cpuNote(at);
        }
        VmcoreInfo info = VmcoreInfo.parse(Files.readAllBytes(Fixtures.path(
                "linux-6.1-qemu/kdump-file/host-analysis/VMCOREINFO.txt")), "fixture");
        notes.add(VmcoreInfoNote.toNote(info));
        byte[] vbuf = VmcoreInfoNote.kernelBuffer(info, ByteOrder.LITTLE_ENDIAN, 4096);
        assertEquals(4132, vbuf.length);
        System.arraycopy(vbuf, 0, mem, (int) VMCOREINFO_NOTE, vbuf.length);
        hdr.vmcoreInfoNote(VMCOREINFO_NOTE, VmcoreInfoNote.kernelBufferSize(4096));
        // kernel text, also inside the first RAM load (as on x86_64)
        hdr.kernelText(0xffffffff81000000L, 0x200000, 0x100000)
                .ram(0x100000, 0x700000, 0xffff888000000000L)
                .ram(0x800800, 0x1f800, 0xffff888000000000L)      // an unaligned range, as an e820 map can give
                .pmem(0xc00000, 0x400000, 0xffff888000000000L);
        List<ProgramHeader> loads = hdr.programHeaders().subList(cpus + 1, cpus + 5);
        assertEquals(List.of(
                ProgramHeader.load(ProgramHeader.PF_RWX, 0x200000, 0xffffffff81000000L, 0x200000, 0x100000),
                ProgramHeader.load(ProgramHeader.PF_RWX, 0x100000, 0xffff888000100000L, 0x100000, 0x700000),
                ProgramHeader.load(ProgramHeader.PF_RWX, 0x800800, 0xffff888000800800L, 0x800800, 0x1f800),
                ProgramHeader.load(0x17, 0xc00000, 0xffff888000c00000L, 0xc00000, 0x400000)), loads);
        assertTrue(loads.get(3).isPmem());
        return new FirstKernel(mem, hdr.build(ElfCoreWriter.KERNEL_ELFCOREHDR_ALIGN), notes, loads);
    }

    @OracleTest
    @Test
    void elfcorehdrHasTheKernelsShapeAndReadelfAgrees(@TempDir Path tmp) throws Exception {
        FirstKernel k = firstKernel(2);
        assertEquals(4096, k.elfcorehdr().length);
        ElfCore hdr = ElfCore.read(MemorySegment.ofArray(k.elfcorehdr()), "elfcorehdr", ElfCore.Layout.ELFCOREHDR);
        assertEquals(3, hdr.noteHeaders().size());
        assertEquals(k.loads(), hdr.loads());
        assertEquals(CPU_NOTES + 0x400, hdr.noteHeaders().get(1).offset());
        assertEquals(hdr.noteHeaders().get(1).offset(), hdr.noteHeaders().get(1).paddr());
        assertEquals(List.of(368L, 368L, 4132L), hdr.noteHeaders().stream().map(ProgramHeader::memsz).toList());
        Path file = tmp.resolve("elfcorehdr");
        Files.write(file, k.elfcorehdr());
        Readelf r = Readelf.run(file, "-h", "-l", "-W");
        assertEquals("CORE (Core file)", r.header("Type:"));
        assertEquals("Advanced Micro Devices X86-64", r.header("Machine:"));
        assertEquals(hdr.programHeaders().stream().map(Readelf.Phdr::of).toList(), r.phdrs);
    }

    @OracleTest
    @Test
    void convertedVmcoreReadsBackAndReadelfAgrees(@TempDir Path tmp) throws Exception {
        FirstKernel k = firstKernel(3);
        ElfCore hdr = ElfCore.read(MemorySegment.ofArray(k.elfcorehdr()), "elfcorehdr", ElfCore.Layout.ELFCOREHDR);
        FlatPhysicalMemory memory = new FlatPhysicalMemory("ram", MemorySegment.ofArray(k.memory()), 0);
        Path out = tmp.resolve("vmcore");
        List<ProgramHeader> written = Outputs.written(out, o -> ElfcorehdrConverter.convert(hdr, memory, List.of(), 4096, o));

        try (MappedImage img = MappedImage.open(out, MappedImage.Access.READ_ONLY)) {
            ElfCore core = ElfCore.open(img);
            assertEquals(written, core.programHeaders());
            assertEquals(1, core.noteHeaders().size());
            assertEquals(0, core.programHeaders().indexOf(core.noteHeaders().getFirst()), "PT_NOTE comes first");
            assertEquals(4096, core.noteHeaders().getFirst().offset());
            assertEquals(k.notes(), core.notes());
            long notesSize = k.notes().stream().mapToLong(Note::encodedSize).sum();
            assertEquals(3 * 356 + 12 + 12 + 3300, notesSize);
            long expectOffset = (4096 + notesSize + 4095) & -4096L;
            for (int i = 0; i < k.loads().size(); i++) {
                ProgramHeader src = k.loads().get(i);
                ProgramHeader dst = core.loads().get(i);
                assertEquals(expectOffset + (src.paddr() & 4095), dst.offset(), "load " + i);
                expectOffset += ((src.paddr() + src.filesz() + 4095) & -4096L) - (src.paddr() & -4096L);
                assertEquals(src.withOffset(dst.offset()), dst);
                byte[] want = Arrays.copyOfRange(k.memory(), (int) src.paddr(), (int) (src.paddr() + src.filesz()));
                assertArrayEquals(want, core.data(dst).toArray(ValueLayout.JAVA_BYTE), "data of load " + i);
            }
            assertEquals(expectOffset, img.size());
            Readelf r = Readelf.run(out, "-h", "-l", "-n", "-W");
            assertEquals(core.programHeaders().stream().map(Readelf.Phdr::of).toList(), r.phdrs);
            assertEquals(core.notes().stream().map(Readelf.NoteLine::of).toList(), r.notes);
        }
        assertTrue(allocatedBytes(out) < Files.size(out) * 3 / 4, "zero pages are holes");
    }

    /**
     * A source that tells where its data is (as sparse image files do): the writer reads only there
     * and still writes the same bytes as from a source that knows nothing.
     */
    @Test
    void dataExtentsAreReadAloneAndChangeNoByte(@TempDir Path tmp) throws Exception {
        FirstKernel k = firstKernel(2);
        ElfCore hdr = ElfCore.read(MemorySegment.ofArray(k.elfcorehdr()), "elfcorehdr", ElfCore.Layout.ELFCOREHDR);
        FlatPhysicalMemory flat = new FlatPhysicalMemory("ram", MemorySegment.ofArray(k.memory()), 0);
        // Data extents cut to the non-zero bytes of each page: unaligned, the writer must round them.
        List<Extent> extents = new ArrayList<>();
        byte[] mem = k.memory();
        for (int page = 0; page < mem.length / 4096; page++) {
            int first = -1, last = -1;
            for (int i = page * 4096; i < (page + 1) * 4096; i++) {
                if (mem[i] != 0) {
                    first = first < 0 ? i : first;
                    last = i;
                }
            }
            if (first >= 0) {
                extents.add(new Extent(first, last + 1));
            }
        }
        List<long[]> reads = new ArrayList<>();
        PhysicalMemory sparse = new PhysicalMemory() {
            public String name() {
                return "sparse ram";
            }

            public boolean isPresent(long address, long length) {
                return flat.isPresent(address, length);
            }

            public void read(long address, MemorySegment dst) throws CorruptInputException {
                reads.add(new long[] {address, address + dst.byteSize()});
                flat.read(address, dst);
            }

            public List<Extent> dataExtents(long address, long length) {
                return extents.stream().filter(e -> e.end() > address && e.start() < address + length)
                        .map(e -> new Extent(Math.max(e.start(), address), Math.min(e.end(), address + length)))
                        .toList();
            }
        };
        Path plain = tmp.resolve("plain"), skipping = tmp.resolve("skipping");
        Outputs.written(plain, o -> ElfcorehdrConverter.convert(hdr, flat, List.of(), 4096, o));
        Outputs.written(skipping, o -> ElfcorehdrConverter.convert(hdr, sparse, List.of(), 4096, o));
        assertEquals(-1, Files.mismatch(plain, skipping), "same bytes");

        long readBytes = reads.stream().mapToLong(r -> r[1] - r[0]).sum();
        long loadBytes = k.loads().stream().mapToLong(ProgramHeader::filesz).sum();
        assertTrue(readBytes < loadBytes, readBytes + " of " + loadBytes + " bytes read");
        for (long[] r : reads) { // every page read (on the segment's page grid) holds some data
            if (r[0] < 0x100000) {
                continue; // the note buffers, read whole to gather the notes
            }
            for (long p = r[0]; p < r[1]; p += 4096) {
                long from = p, to = Math.min(p + 4096, r[1]);
                assertTrue(extents.stream().anyMatch(e -> e.start() < to && e.end() > from),
                        "read a page without data at 0x" + Long.toHexString(p));
            }
        }
    }

    /**
     * fadump's boot-memory copy: the PT_LOAD's data comes from the copy at an address (p_offset) that is
     * not page aligned in the same way as its p_paddr. The capture kernel rounds on the source
     * (docs/dump-formats.md §1.4: {@code paddr = phdr_ptr->p_offset}), so the data sits 0x20 into its page.
     */
    @Test
    void segmentsAreRoundedOnTheirSourceNotPaddr(@TempDir Path tmp) throws Exception {
        List<ProgramHeader> loads = List.of(
                ProgramHeader.load(ProgramHeader.PF_RWX, 0x6fff1020L, 0xc000000000000000L, 0, 0x10000000),
                ProgramHeader.load(ProgramHeader.PF_RWX, 0x10000000, 0xc000000010000000L, 0x10000000, 0x1000));
        // Ehdr + 3 phdrs fit page 0, 100 bytes of notes page 1; data from 0x2000. Load 0 spans
        // [rounddown(0x6fff1020), roundup(0x7fff1020)) = 0x10001000 bytes, its data at 0x2000 + 0x20.
        assertEquals(List.of(
                ProgramHeader.note(0x1000, 100),
                loads.get(0).withOffset(0x2020),
                loads.get(1).withOffset(0x2000 + 0x10001000L)), ElfCoreWriter.vmcoreLayout(4096, 100, loads));

        // Written from memory: the bytes come from the source, at the rounded offset.
        byte[] mem = new byte[0x6000];
        new Random(7).nextBytes(mem);
        FlatPhysicalMemory flat = new FlatPhysicalMemory("ram", MemorySegment.ofArray(mem), 0);
        ProgramHeader copy = ProgramHeader.load(ProgramHeader.PF_RWX, 0x1020, 0xc000000000000000L, 0, 0x3000);
        Path out = tmp.resolve("vmcore");
        List<Note> notes = List.of(new Note("CORE", Note.NT_PRSTATUS, new byte[336]));
        List<ProgramHeader> written = Outputs.written(out, o -> ElfCoreWriter.writeVmcore(o, ElfMachine.X86_64, 4096, notes,
                List.of(copy), flat));
        assertEquals(0x2020, written.get(1).offset());
        try (MappedImage img = MappedImage.open(out, MappedImage.Access.READ_ONLY)) {
            ElfCore core = ElfCore.open(img);
            assertEquals(List.of(copy.withOffset(0x2020)), core.loads());
            assertArrayEquals(Arrays.copyOfRange(mem, 0x1020, 0x4020), core.data(core.loads().getFirst())
                    .toArray(ValueLayout.JAVA_BYTE));
            assertEquals(0x2000 + 0x4000 - 0x1000 + 0x1000, img.size(), "roundup(0x4020) - 0x1000 bytes of data");
        }
    }

    static long allocatedBytes(Path p) {
        var r = dev.pmemdump.testing.Tools.run(List.of("stat", "-c", "%b %B", p.toString()), null, 10).assertOk();
        String[] f = r.stdout().trim().split(" ");
        return Long.parseLong(f[0]) * Long.parseLong(f[1]);
    }
}
