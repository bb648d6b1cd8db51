package dev.pmemdump.vmcore.elf;

import dev.pmemdump.testing.Outputs;
import dev.pmemdump.io.MappedImage;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.VmcoreInfoNote;
import dev.pmemdump.testing.FixtureTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The real 6.1 /proc/vmcore copy from the QEMU fixture, against readelf's view of it. */
@FixtureTest
class ElfCoreFixtureTest {
    static final String DIR = "linux-6.1-qemu/kdump-file/";
    static MappedImage image;
    static ElfCore core;

    @BeforeAll
    static void open() throws Exception {
        image = MappedImage.open(Fixtures.unzstd(DIR + "vmcore.raw.zst"), MappedImage.Access.READ_ONLY);
        core = ElfCore.open(image);
    }

    @AfterAll
    static void close() {
        image.close();
    }

    @Test
    void headersAndNotesEqualReadelfFixture() throws Exception {
        Readelf expected = Readelf.parse(Fixtures.text(DIR + "host-analysis/readelf-h-l-n.txt"));
        assertEquals(ElfMachine.X86_64, core.machine());
        assertEquals("Advanced Micro Devices X86-64", expected.header("Machine:"));
        assertEquals(Long.parseLong(expected.header("Number of program headers:")), core.programHeaders().size());
        assertEquals(expected.phdrs, core.programHeaders().stream().map(Readelf.Phdr::of).toList());
        assertEquals(expected.notes, core.notes().stream().map(Readelf.NoteLine::of).toList());
        assertEquals(3, expected.notes.size());
    }

    @Test
    void vmcoreInfoNoteEqualsHostAnalysisText() throws Exception {
        VmcoreInfo info = VmcoreInfoNote.from(core);
        assertArrayEquals(Files.readAllBytes(Fixtures.path(DIR + "host-analysis/VMCOREINFO.txt")), info.bytes());
    }

    /**
     * The capture kernel built this file from an elfcorehdr; feeding the same headers, notes and
     * memory through the writer must give back the very same bytes.
     */
    @Test
    void writerReproducesTheKernelsVmcoreByteForByte(@TempDir Path tmp) throws Exception {
        List<ProgramHeader> elfcorehdrLoads = core.loads().stream().map(ph -> ph.withOffset(ph.paddr())).toList();
        Path out = tmp.resolve("vmcore");
        List<ProgramHeader> written = Outputs.written(out, o -> ElfCoreWriter.writeVmcore(o, ElfMachine.X86_64, 4096,
                core.notes(), elfcorehdrLoads, new ElfPhysicalMemory(core)));
        assertEquals(core.programHeaders(), written);
        assertEquals(Files.size(image.path()), Files.size(out));
        assertEquals(sha256(image.path()), sha256(out));
    }

    static String sha256(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (MappedImage m = MappedImage.open(p, MappedImage.Access.READ_ONLY)) {
            md.update(m.segment().asByteBuffer());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
