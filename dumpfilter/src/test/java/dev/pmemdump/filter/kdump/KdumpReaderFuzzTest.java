package dev.pmemdump.filter.kdump;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.testing.FuzzFiles;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any bytes as a kdump-compressed file (-c/-l/-p/-z output or a --split part): opening, every dumped
 * page, the notes and the VMCOREINFO give their value or a named error ({@link CorruptInputException},
 * or {@link EOFException} for a truncated structure), never another exception. The input goes
 * through a file because the reader maps one, as the CLI does.
 */
class KdumpReaderFuzzTest {
    private static final int MAX_PAGES = 256;
    private static final Path FILE = FuzzFiles.scratch("kdump");

    @FuzzTest
    void kdumpReader(byte[] data) throws IOException {
        Files.write(FILE, data);
        try (KdumpReader r = KdumpReader.open(FILE)) {
            r.crashInfo();
            r.vmcoreinfo();
            r.present();
            PageBitmap readable = r.readable();
            byte[] page = new byte[r.pageSize()];
            long pfn = readable.nextSet(0);
            for (int n = 0; n < MAX_PAGES && pfn >= 0; n++) {
                r.read(pfn, page);
                pfn = readable.nextSet(pfn + 1);
            }
        } catch (CorruptInputException | EOFException expected) {
            // a named error is a right answer to a corrupt dump
        }
    }
}
