package dev.pmemdump.vmcore.elf;

import dev.pmemdump.io.Bytes;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.testing.UnitTest;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each kind of damage gets its own named error at the right offset. */
@UnitTest
class ElfCoreValidationTest {
    static final Note CPU = new Note("CORE", Note.NT_PRSTATUS, new byte[336]);
    static final Note INFO = new Note("VMCOREINFO", 0, "OSRELEASE=6.1\n".getBytes());

    /** Headers at 0, notes at 0x1000, two one-page loads at 0x2000 and 0x3000. */
    static byte[] good() {
        byte[] notes = NoteSegment.encode(List.of(CPU, INFO), ByteOrder.LITTLE_ENDIAN);
        List<ProgramHeader> phdrs = List.of(ProgramHeader.note(0x1000, notes.length),
                ProgramHeader.load(ProgramHeader.PF_RWX, 0x2000, 0xffff888000100000L, 0x100000, 0x1000),
                ProgramHeader.load(ProgramHeader.PF_RWX, 0x3000, 0xffff888000200000L, 0x200000, 0x1000));
        byte[] file = Arrays.copyOf(ElfCoreWriter.encodeHeaders(ElfMachine.X86_64, phdrs), 0x4000);
        System.arraycopy(notes, 0, file, 0x1000, notes.length);
        return file;
    }

    static ElfCore read(byte[] b) throws CorruptInputException {
        return ElfCore.read(MemorySegment.ofArray(b), "core", ElfCore.Layout.FILE);
    }

    static String damage(Consumer<MemorySegment> edit) {
        byte[] b = good();
        edit.accept(MemorySegment.ofArray(b));
        CorruptInputException e = assertThrows(CorruptInputException.class, () -> read(b).notes());
        assertTrue(e.getMessage().startsWith("core: "), e.getMessage());
        return e.getMessage();
    }

    static long phdr(int i) {
        return 64 + 56L * i;
    }

    @Test
    void goodFileReads() throws Exception {
        ElfCore core = read(good());
        assertEquals(List.of(CPU, INFO), core.notes());
        assertEquals(2, core.loads().size());
    }

    @Test
    void badIdentIsNamed() {
        assertEquals("core: offset 0x0: not an ELF file (bad magic 7f454c47)",
                damage(s -> s.set(Bytes.U8, 3, (byte) 'G')));
        assertEquals("core: offset 0x4: ELF class 1 is not ELFCLASS64 (2); only 64-bit cores are supported",
                damage(s -> s.set(Bytes.U8, 4, (byte) 1)));
        assertEquals("core: offset 0x5: ELF data encoding 3 is neither little (1) nor big (2) endian",
                damage(s -> s.set(Bytes.U8, 5, (byte) 3)));
        assertEquals("core: offset 0x10: e_type 2 is not ET_CORE (4)", damage(s -> s.set(Bytes.LE_U16, 16, (short) 2)));
        assertEquals("core: offset 0x12: unsupported e_machine 3 (little endian)",
                damage(s -> s.set(Bytes.LE_U16, 18, (short) 3)));
        // read as big endian, the fields no longer make sense
        assertEquals("core: offset 0x10: e_type 1024 is not ET_CORE (4)", damage(s -> s.set(Bytes.U8, 5, (byte) 2)));
        assertEquals("core: offset 0x0: too short for an ELF64 header (10 bytes, need 64)",
                assertThrows(CorruptInputException.class, () -> read(new byte[10])).getMessage());
    }

    @Test
    void programHeadersPastTheEnd() {
        String m = damage(s -> s.set(Bytes.LE_U64, 32, 0x3ff0L));
        assertEquals("core: offset 0x20: 3 program headers at e_phoff 0x3ff0 run past the end of the file (size 0x4000)", m);
        assertTrue(damage(s -> s.set(Bytes.LE_U16, 56, (short) 0)).contains("no program headers"));
    }

    @Test
    void loadDataPastTheEnd() {
        String m = damage(s -> {
            s.set(Bytes.LE_U64, phdr(2) + 32, 0x2000L);
            s.set(Bytes.LE_U64, phdr(2) + 40, 0x2000L);
        });
        assertTrue(m.startsWith("core: offset 0xb0: program header 2 (LOAD): data at 0x3000 (0x2000 bytes) runs past"), m);
        m = damage(s -> s.set(Bytes.LE_U64, phdr(2) + 8, -8L));
        assertTrue(m.contains("program header 2 (LOAD): data at 0xfffffffffffffff8"), m);
    }

    @Test
    void overlappingAndUnsortedLoads() {
        String m = damage(s -> s.set(Bytes.LE_U64, phdr(2) + 8, 0x2800L));
        assertEquals("core: offset 0xb0: program header 2 (LOAD): data at 0x2800 overlaps the data of program header 1"
                + " (PT_LOADs must be in file order)", m);
        m = damage(s -> {
            s.set(Bytes.LE_U64, phdr(1) + 8, 0x3000L);
            s.set(Bytes.LE_U64, phdr(2) + 8, 0x2000L);
        });
        assertTrue(m.contains("data at 0x2000 comes before the data of program header 1"), m);
        m = damage(s -> s.set(Bytes.LE_U64, phdr(1) + 40, 0x10L));
        assertTrue(m.contains("p_filesz 0x1000 exceeds p_memsz 0x10"), m);
    }

    @Test
    void noteRunningPastItsSegment() {
        // descsz of the first note grows beyond the segment
        String m = damage(s -> s.set(Bytes.LE_U32, 0x1004, 0x10000));
        assertEquals("core: offset 0x1000: note (n_namesz 5, n_descsz 65536) runs past the end of its segment"
                + " (0x18c bytes left)", m);
        m = damage(s -> s.set(Bytes.LE_U32, 0x1000 + 356, 0));
        assertTrue(m.startsWith("core: offset 0x1164: note without a name"), m);
        m = damage(s -> s.set(Bytes.U8, 0x1000 + 12 + 4, (byte) 'X'));
        assertEquals("core: offset 0x100c: note name is not NUL-terminated", m);
        m = damage(s -> {
            s.set(Bytes.LE_U64, phdr(0) + 32, 0x18eL);
            s.set(Bytes.U8, 0x1000 + 0x18c, (byte) 1);
        });
        assertTrue(m.contains("note header needs 12 bytes but only 2 remain"), m);
    }

    @Test
    void notesStopAtTheFirstZeroHeader() throws Exception {
        byte[] seg = NoteSegment.encodeWithTerminator(List.of(CPU), ByteOrder.LITTLE_ENDIAN);
        byte[] withJunkAfter = Arrays.copyOf(seg, seg.length + 64);
        Arrays.fill(withJunkAfter, seg.length, withJunkAfter.length, (byte) 0x5a);
        NoteSegment parsed = NoteSegment.parse(MemorySegment.ofArray(withJunkAfter), ByteOrder.LITTLE_ENDIAN, "buf", 0);
        assertEquals(List.of(CPU), parsed.notes());
        assertEquals(356, parsed.usedSize());
        assertEquals(0, NoteSegment.parse(MemorySegment.ofArray(new byte[30]), ByteOrder.LITTLE_ENDIAN, "buf", 0)
                .notes().size());
    }

    @Test
    void bigEndianNotesRoundTrip() throws Exception {
        byte[] be = NoteSegment.encode(List.of(CPU, INFO), ByteOrder.BIG_ENDIAN);
        assertEquals(5, be[3]);
        assertEquals(List.of(CPU, INFO), NoteSegment.parse(MemorySegment.ofArray(be), ByteOrder.BIG_ENDIAN, "b", 0).notes());
    }
}
