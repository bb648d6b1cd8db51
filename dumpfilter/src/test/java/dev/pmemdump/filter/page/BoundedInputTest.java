package dev.pmemdump.filter.page;

import dev.pmemdump.testing.FixtureTest;
import dev.pmemdump.filter.elf.ElfPageSource;
import dev.pmemdump.filter.kdump.KdumpReader;
import dev.pmemdump.filter.kdump.KdumpWriter;
import dev.pmemdump.filter.kdump.PageCodec;
import dev.pmemdump.io.MappedImage;
import dev.pmemdump.io.Progress;
import dev.pmemdump.vmcore.elf.ElfCore;
import dev.pmemdump.vmcore.elf.ElfPhysicalMemory;
import dev.pmemdump.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page sources read their input, they do not map it: after every page of the real 6.1 vmcore and
 * of a kdump-compressed dump of it has been read, no mapping of either file exists in this process
 * (so what the input costs in memory does not grow with its size), and the pages are the same.
 */
@FixtureTest
class BoundedInputTest {
    @TempDir
    Path dir;

    @Test
    void elfAndKdumpPagesAreReadNotMapped() throws IOException {
        Path vmcore = Fixtures.unzstd("linux-6.1-qemu/kdump-file/vmcore.raw.zst");
        Path kdump = dir.resolve("dump.lzo");
        try (ElfPageSource elf = ElfPageSource.open(vmcore)) {
            PageBitmap readable = elf.readable();
            byte[] page = new byte[elf.pageSize()];
            MessageDigest read = sha256();
            for (long pfn = readable.nextSet(0); pfn >= 0; pfn = readable.nextSet(pfn + 1)) {
                elf.read(pfn, page);
                read.update(page);
            }
            assertNotMapped(vmcore);
            assertArrayEquals(mappedPagesSha256(vmcore, readable, page.length), read.digest(),
                    "pages read differ from the pages of the mapped file");
            try (FileChannel ch = FileChannel.open(kdump, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                new KdumpWriter(elf, KdumpWriter.Options.whole(0, PageCodec.LZO, 1))
                        .write(elf.present(), readable, new FileSink(ch), Progress.silent());
            }
            try (KdumpReader kd = KdumpReader.open(kdump)) {
                assertEquals(readable.cardinality(), kd.readable().cardinality());
                byte[] want = new byte[elf.pageSize()];
                for (long pfn = readable.nextSet(0); pfn >= 0; pfn = readable.nextSet(pfn + 1)) {
                    elf.read(pfn, want);
                    kd.read(pfn, page);
                    assertArrayEquals(want, page, "pfn 0x" + Long.toHexString(pfn));
                }
                assertNotMapped(kdump);
            }
        }
    }

    /** The same pages through a mapping of the whole file (the way the input was read before). */
    private static byte[] mappedPagesSha256(Path vmcore, PageBitmap pfns, int pageSize) throws IOException {
        MessageDigest md = sha256();
        try (MappedImage img = MappedImage.open(vmcore, MappedImage.Access.READ_ONLY)) {
            ElfPhysicalMemory mem = new ElfPhysicalMemory(ElfCore.open(img));
            for (long pfn = pfns.nextSet(0); pfn >= 0; pfn = pfns.nextSet(pfn + 1)) {
                long pa = pfn * pageSize;
                byte[] page = new byte[pageSize];
                for (int b = 0; b < pageSize; b += 8) { // a page partly outside the PT_LOADs reads as zeros
                    if (mem.isPresent(pa + b, 8)) {
                        mem.read(pa + b, MemorySegment.ofArray(page).asSlice(b, 8));
                    }
                }
                md.update(page);
            }
        }
        return md.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertNotMapped(Path file) throws IOException {
        String real = file.toRealPath().toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            assertTrue(!line.endsWith(" " + real), "input file is mapped: " + line);
        }
    }
}
