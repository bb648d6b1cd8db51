package dev.pmemdump.vmcore.elf;

import dev.pmemdump.io.MappedImage;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.VmcoreInfoNote;
import dev.pmemdump.vmcore.xlat.FlatPhysicalMemory;
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
        hdr.vmcoreInfoNote(VMCOREINFO_NOTE, 4096);
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

    @Test
    void convertedVmcoreReadsBackAndReadelfAgrees(@TempDir Path tmp) throws Exception {
        FirstKernel k = firstKernel(3);
        ElfCore hdr = ElfCore.read(MemorySegment.ofArray(k.elfcorehdr()), "elfcorehdr", ElfCore.Layout.ELFCOREHDR);
        FlatPhysicalMemory memory = new FlatPhysicalMemory("ram", MemorySegment.ofArray(k.memory()), 0);
        Path out = tmp.resolve("vmcore");
        List<ProgramHeader> written = ElfcorehdrConverter.convert(hdr, memory, List.of(), 4096, out);

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

    static long allocatedBytes(Path p) {
        var r = dev.pmemdump.testing.Tools.run(List.of("stat", "-c", "%b %B", p.toString()), null, 10).assertOk();
        String[] f = r.stdout().trim().split(" ");
        return Long.parseLong(f[0]) * Long.parseLong(f[1]);
    }
}
