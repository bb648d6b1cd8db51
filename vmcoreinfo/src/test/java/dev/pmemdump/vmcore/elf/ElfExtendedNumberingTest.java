package dev.pmemdump.vmcore.elf;

import dev.pmemdump.testing.OracleTest;
import dev.pmemdump.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A core of 65537 program headers (1 TiB of mixed RAM filtered to -E): ELF extended numbering as
 * makedumpfile 1.7.2 writes it (e_phnum PN_XNUM, section header 0 right after the program headers holding
 * the count in sh_info), hand-checked byte by byte, read back by our reader and by readelf.
 */
@UnitTest
class ElfExtendedNumberingTest {
    private static final int COUNT = 65537;

    private static List<ProgramHeader> headers(int count) {
        List<ProgramHeader> phdrs = new ArrayList<>(count);
        long data = ElfCoreWriter.headersSize(count);
        phdrs.add(ProgramHeader.note(data, 0));
        for (int i = 1; i < count; i++) {
            long pa = (long) i << 24;
            boolean withData = i == 1 || i == count - 1; // the others hold no data, as most of a mixed -E dump
            ProgramHeader ph = ProgramHeader.load(ProgramHeader.PF_R | ProgramHeader.PF_W | ProgramHeader.PF_X,
                    withData ? data + (i == 1 ? 0 : 4096) : 0, 0xffff888000000000L + pa, pa, 4096);
            phdrs.add(withData ? ph : new ProgramHeader(ph.type(), ph.flags(), 0, ph.vaddr(), ph.paddr(), 0,
                    ph.memsz(), ph.align()));
        }
        return phdrs;
    }

    @Test
    void pastPnXnumTheCountGoesToSectionHeaderZero() throws Exception {
        List<ProgramHeader> phdrs = headers(COUNT);
        byte[] bytes = ElfCoreWriter.encodeHeaders(ElfMachine.X86_64, phdrs);
        long shoff = 64 + 56L * COUNT;
        assertEquals(shoff + 64, bytes.length);
        assertEquals(shoff + 64, ElfCoreWriter.headersSize(COUNT));
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xffff, Short.toUnsignedInt(b.getShort(56)), "e_phnum");
        assertEquals(shoff, b.getLong(40), "e_shoff");
        assertEquals(64, b.getShort(58), "e_shentsize");
        assertEquals(1, b.getShort(60), "e_shnum");
        assertEquals(0, b.getShort(62), "e_shstrndx");
        byte[] shdr = new byte[64];
        shdr[32] = 1; // sh_size: e_shnum, as makedumpfile fills it
        ByteBuffer.wrap(shdr).order(ByteOrder.LITTLE_ENDIAN).putInt(44, COUNT); // sh_info
        assertArrayEquals(shdr, Arrays.copyOfRange(bytes, (int) shoff, bytes.length));

        ElfCore core = ElfCore.read(MemorySegment.ofArray(Arrays.copyOf(bytes, bytes.length + 8192)), "xnum",
                ElfCore.Layout.FILE);
        assertEquals(phdrs, core.programHeaders());
    }

    @Test
    void belowPnXnumNoSectionHeader() {
        byte[] bytes = ElfCoreWriter.encodeHeaders(ElfMachine.X86_64, headers(65534));
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(64 + 56L * 65534, bytes.length);
        assertEquals(65534, Short.toUnsignedInt(b.getShort(56)));
        assertEquals(0, b.getLong(40));
        assertEquals(0, b.getShort(58));
        assertEquals(0, b.getShort(60));
        byte[] xnum = ElfCoreWriter.encodeHeaders(ElfMachine.X86_64, headers(65535));
        assertEquals(0xffff, Short.toUnsignedInt(ByteBuffer.wrap(xnum).order(ByteOrder.LITTLE_ENDIAN).getShort(56)),
                "exactly PN_XNUM headers are extended too");
    }

    @Test
    void sectionHeaderOutsideTheFileIsANamedError() {
        byte[] bytes = ElfCoreWriter.encodeHeaders(ElfMachine.X86_64, headers(COUNT));
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 10);
        var e = assertThrows(dev.pmemdump.io.CorruptInputException.class,
                () -> ElfCore.read(MemorySegment.ofArray(cut), "cut", ElfCore.Layout.FILE));
        assertTrue(e.getMessage().contains("cut") && e.getMessage().contains("section header 0"), e.getMessage());
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(64 + 56 * COUNT + 44, 0);
        var zero = assertThrows(dev.pmemdump.io.CorruptInputException.class,
                () -> ElfCore.read(MemorySegment.ofArray(bytes), "zero", ElfCore.Layout.FILE));
        assertTrue(zero.getMessage().contains("sh_info"), zero.getMessage());
    }

    @OracleTest
    @Test
    void readelfReadsTheExtendedCount(@TempDir Path tmp) throws Exception {
        List<ProgramHeader> phdrs = headers(COUNT);
        Path file = tmp.resolve("xnum.core");
        byte[] bytes = ElfCoreWriter.encodeHeaders(ElfMachine.X86_64, phdrs);
        Files.write(file, Arrays.copyOf(bytes, bytes.length + 8192));
        Readelf r = Readelf.run(file, "-h", "-l", "-W");
        assertEquals(COUNT, r.phdrs.size());
        for (int i = 0; i < COUNT; i += 4099) {
            assertEquals(Readelf.Phdr.of(phdrs.get(i)), r.phdrs.get(i), "phdr " + i);
        }
        assertTrue(r.header.stream().anyMatch(l -> l.contains("Number of program headers:") && l.contains("65535 (65537)")),
                String.join("\n", r.header));
    }
}
