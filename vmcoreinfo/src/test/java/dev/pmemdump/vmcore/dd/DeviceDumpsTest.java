package dev.pmemdump.vmcore.dd;

import dev.pmemdump.io.OutputRules;
import dev.pmemdump.testing.Outputs;
import dev.pmemdump.io.MappedImage;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.vmcore.elf.ElfCore;
import dev.pmemdump.vmcore.elf.Note;
import dev.pmemdump.vmcore.elf.NoteSegment;
import dev.pmemdump.vmcore.elf.ProgramHeader;
import dev.pmemdump.testing.Tools;
import dev.pmemdump.testing.FixtureTest;
import dev.pmemdump.testing.OracleTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@FixtureTest
class DeviceDumpsTest {

    @Test
    void noteHasTheKernelsVmcoreddHeader() {
        byte[] data = new byte[5000];
        new Random(1).nextBytes(data);
        Note n = DeviceDumps.toNote("cxgb4_0000:02:00.4", data, 4096);
        byte[] enc = NoteSegment.encode(List.of(n), ByteOrder.LITTLE_ENDIAN);
        assertEquals(8192, enc.length, "64-byte header + 5000 bytes round up to two pages");
        MemorySegment s = MemorySegment.ofArray(enc);
        ValueLayout.OfInt u32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        assertEquals(8, s.get(u32, 0), "n_namesz = sizeof(name)");
        assertEquals(8192 - 20, s.get(u32, 4), "n_descsz = data_size - 20");
        assertEquals(0x700, s.get(u32, 8));
        assertArrayEquals("LINUX\0\0\0".getBytes(), Arrays.copyOfRange(enc, 12, 20));
        assertArrayEquals(Arrays.copyOf("cxgb4_0000:02:00.4".getBytes(), 44), Arrays.copyOfRange(enc, 20, 64));
        assertArrayEquals(data, Arrays.copyOfRange(enc, 64, 64 + 5000));
        assertTrue(Arrays.equals(new byte[8192 - 5064], Arrays.copyOfRange(enc, 5064, 8192)), "zero padding");
    }

    @OracleTest
    @Test
    void addedDumpsAreListedByReadelfAndExtractBack(@TempDir Path tmp) throws Exception {
        byte[] a = new byte[4000];
        byte[] b = new byte[10000];
        new Random(2).nextBytes(a);
        new Random(3).nextBytes(b);
        Path out = tmp.resolve("vmcore-dd");
        try (MappedImage img = MappedImage.open(Fixtures.unzstd("linux-6.1-qemu/kdump-file/vmcore.raw.zst"),
                MappedImage.Access.READ_ONLY)) {
            ElfCore core = ElfCore.open(img);
            List<ProgramHeader> written = Outputs.written(out, o -> DeviceDumps.addToVmcore(core,
                    List.of(DeviceDumps.toNote("nvme0", a, 4096), DeviceDumps.toNote("cxgb4_0000:02:00.4", b, 4096)),
                    4096, o));
            // notes grow by 1 + 3 pages; every PT_LOAD moves by exactly that
            for (int i = 1; i < written.size(); i++) {
                assertEquals(core.programHeaders().get(i).offset() + 4 * 4096, written.get(i).offset());
            }
        }
        try (MappedImage img = MappedImage.open(out, MappedImage.Access.READ_ONLY)) {
            ElfCore core = ElfCore.open(img);
            List<Note> notes = core.notes();
            assertEquals(List.of("LINUX", "LINUX", "CORE", "CORE", "VMCOREINFO"), notes.stream().map(Note::name).toList());
            List<DeviceDumps.Listed> listed = DeviceDumps.list(core);
            assertEquals(List.of(new DeviceDumps.Listed(0, 0x1000 + 64, 4096 - 64, "nvme0"),
                    new DeviceDumps.Listed(1, 0x2000 + 64, 3 * 4096 - 64, "cxgb4_0000:02:00.4")), listed);

            String readelf = Tools.run(List.of(Tools.require("readelf").toString(), "-n", "-W", out.toString()), null, 60)
                    .assertOk().stdout();
            assertTrue(readelf.contains("  LINUX                0x00000fec\tUnknown note type: (0x00000700)"), readelf);
            assertTrue(readelf.contains("  LINUX                0x00002fec\tUnknown note type: (0x00000700)"), readelf);

            Path x = tmp.resolve("b.bin");
            DeviceDumps.extract(core, "cxgb4_0000:02:00.4", x, OutputRules.REPLACE);
            byte[] got = Files.readAllBytes(x);
            assertEquals(3 * 4096 - 64, got.length, "crash extracts n_descsz - 44 bytes");
            assertArrayEquals(b, Arrays.copyOf(got, b.length));
            assertTrue(Arrays.equals(new byte[got.length - b.length], Arrays.copyOfRange(got, b.length, got.length)));
            DeviceDumps.extract(core, "0", x, OutputRules.REPLACE);
            assertArrayEquals(a, Arrays.copyOf(Files.readAllBytes(x), a.length));
            assertThrows(IllegalArgumentException.class, () -> DeviceDumps.extract(core, "nope", tmp.resolve("n"), OutputRules.REPLACE));
        }
    }

    /**
     * makedumpfile filters the rewritten vmcore exactly as it filters the original (same page counts as
     * host-analysis/makedumpfile-E-d31.txt) and carries the device dump into its output.
     */
    @OracleTest
    @Test
    void makedumpfileKeepsTheDeviceDump(@TempDir Path tmp) throws Exception {
        Path makedumpfile = Tools.require("makedumpfile");
        byte[] data = new byte[6000];
        new Random(4).nextBytes(data);
        Path withDd = tmp.resolve("vmcore-dd");
        try (MappedImage img = MappedImage.open(Fixtures.unzstd("linux-6.1-qemu/kdump-file/vmcore.raw.zst"),
                MappedImage.Access.READ_ONLY)) {
            Outputs.written(withDd, o -> DeviceDumps.addToVmcore(ElfCore.open(img),
                    List.of(DeviceDumps.toNote("nvdimm_0", data, 4096)), 4096, o));
        }
        Path filtered = tmp.resolve("filtered.elf");
        Tools.Run r = Tools.run(List.of(makedumpfile.toString(), "-E", "-d", "31", "--message-level", "30",
                withDd.toString(), filtered.toString()), tmp, 120).assertOk();
        String expected = Fixtures.text("linux-6.1-qemu/kdump-file/host-analysis/makedumpfile-E-d31.txt");
        for (String key : List.of("Original pages  :", "Excluded pages   :", "Remaining pages  :")) {
            assertEquals(line(expected, key), line(r.stdout(), key), key);
        }
        try (MappedImage img = MappedImage.open(filtered, MappedImage.Access.READ_ONLY)) {
            ElfCore core = ElfCore.open(img);
            List<DeviceDumps.Listed> listed = DeviceDumps.list(core);
            assertEquals(1, listed.size());
            Path x = tmp.resolve("x.bin");
            DeviceDumps.extract(core, "nvdimm_0", x, OutputRules.REPLACE);
            assertArrayEquals(data, Arrays.copyOf(Files.readAllBytes(x), data.length));
        }
    }

    static String line(String text, String key) {
        return text.lines().filter(l -> l.contains(key)).findFirst().orElseThrow(() -> new AssertionError(key + " in\n" + text));
    }

    @Test
    void newDumpsGoAfterExistingDumpsAndBeforeCpuNotes() {
        Note cpu = new Note("CORE", 1, new byte[336]);
        Note d1 = DeviceDumps.toNote("one", new byte[1], 4096);
        Note d2 = DeviceDumps.toNote("two", new byte[1], 4096);
        assertEquals(List.of(d1, d2, cpu), DeviceDumps.insert(DeviceDumps.insert(List.of(cpu), List.of(d1)), List.of(d2)));
        assertThrows(IllegalArgumentException.class, () -> DeviceDumps.toNote("x".repeat(44), new byte[1], 4096));
    }
}
