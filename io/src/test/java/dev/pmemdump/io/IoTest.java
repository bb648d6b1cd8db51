package dev.pmemdump.io;

import dev.pmemdump.testing.UnitTest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

@UnitTest
class IoTest {
    @TempDir
    Path dir;

    @Test
    void memparseReadsKernelSuffixes() {
        assertEquals(128L << 20, MemParse.parse("128M"));
        assertEquals(2L << 30, MemParse.parse("2g"));
        assertEquals(0x1000, MemParse.parse("0x1000"));
        assertEquals(4096, MemParse.parse("4096"));
        assertThrows(IllegalArgumentException.class, () -> MemParse.parse("12Q"));
        assertThrows(IllegalArgumentException.class, () -> MemParse.parse("9000000E"));
    }

    @Test
    void rangesRejectOverflow() {
        assertTrue(Ranges.fits(0, 10, 10));
        assertFalse(Ranges.fits(1, 10, 10));
        assertFalse(Ranges.fits(Long.MAX_VALUE, Long.MAX_VALUE, 10));
        assertFalse(Ranges.fits(-1, 1, 10));
        CorruptInputException e = assertThrows(CorruptInputException.class,
                () -> Ranges.multiply("img", 0x40, Long.MAX_VALUE, 2, "nslot * size"));
        assertEquals("img: offset 0x40: nslot * size overflows 64 bits", e.getMessage());
        assertEquals(0x200000, Ranges.alignUp(0x1fffff, 0x200000));
        assertEquals(0x200000, Ranges.alignDown(0x3fffff, 0x200000));
    }

    @Test
    void sparseImageCostsWhatIsTouched() throws IOException {
        Path img = dir.resolve("big.img");
        try (MappedImage m = MappedImage.create(img, 1L << 40)) {
            m.segment().set(Bytes.LE_U64, (1L << 40) - 8, 0x1122334455667788L);
            m.force();
        }
        assertEquals(1L << 40, Files.size(img));
        try (MappedImage m = MappedImage.open(img, MappedImage.Access.READ_ONLY)) {
            assertEquals(0x1122334455667788L, m.segment().get(Bytes.LE_U64, (1L << 40) - 8));
            EOFException e = assertThrows(EOFException.class, () -> m.slice((1L << 40) - 4, 8, "label index"));
            assertTrue(e.getMessage().contains("offset 0xfffffffffc: label index"), e.getMessage());
        }
    }

    @Test
    void atomicOutputAppearsOnlyOnCommit() throws IOException {
        Path target = dir.resolve("dump");
        try (AtomicOutput out = AtomicOutput.create(target, OutputRules.REPLACE)) {
            out.channel().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            assertFalse(Files.exists(target));
        }
        assertFalse(Files.exists(target));
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count(), "temporary file left behind");
        }
        try (AtomicOutput out = AtomicOutput.create(target, OutputRules.REPLACE)) {
            out.channel().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            out.commit();
        }
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(target)), "a dump is readable by its owner only");
    }
}
