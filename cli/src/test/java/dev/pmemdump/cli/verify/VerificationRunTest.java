package dev.pmemdump.cli.verify;

import dev.pmemdump.images.Manifest;
import dev.pmemdump.images.Scenario;
import dev.pmemdump.io.MappedImage;
import dev.pmemdump.io.Progress;
import dev.pmemdump.vmcore.elf.ElfCore;
import dev.pmemdump.vmcore.elf.ProgramHeader;
import dev.pmemdump.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The verification run must pass on an honest dump and fail, naming the mismatch, when one metadata
 * page of the dump is corrupted or a pmem canary is planted in it.
 */
@UnitTest
class VerificationRunTest {
    @TempDir
    Path dir;

    private VerificationRun caseD() {
        return new VerificationRun(Scenario.defaultScenario(), List.of(DumpCase.D), 1, List.of(DumpFormat.ELF), dir,
                null, Libkdumpfile.find(), Progress.silent());
    }

    @Test
    void honestDumpPasses() throws IOException {
        VerificationRun run = caseD();
        run.run();
        List<Check> failed = run.checks().stream().filter(c -> !c.passed()).toList();
        assertTrue(failed.isEmpty(), () -> "unexpected failures: " + failed);
        assertTrue(run.checks().stream().anyMatch(c -> c.name().startsWith("metadata range 0 sha256")),
                "no metadata range was checked: " + run.checks());
    }

    @Test
    void corruptedMetadataPageIsNamed() throws IOException {
        VerificationRun run = caseD();
        run.tamper = (format, dump, m) -> {
            Manifest.MetadataRange r = m.pmemMetadata().get(0);
            long paddr = (r.endPfn() - 1) * m.pageSize() + 100;    // the last metadata page (the RFC's off-by-one)
            overwrite(dump, paddr, new byte[] {(byte) 0xde, (byte) 0xad});
        };
        run.run();
        List<Check> failed = run.checks().stream().filter(c -> !c.passed()).toList();
        assertEquals(1, failed.size(), () -> "failures: " + failed);
        assertEquals("metadata range 0 sha256", failed.get(0).name());
    }

    @Test
    void plantedPmemCanaryIsNamed() throws IOException {
        VerificationRun run = caseD();
        run.tamper = (format, dump, m) -> {
            Manifest.CanaryEntry pmemCanary = m.canaries().stream()
                    .filter(e -> e.pageClass().toLowerCase().contains("pmem")).findFirst().orElseThrow();
            overwrite(dump, firstKeptAddress(dump) + 8, pmemCanary.text().getBytes(StandardCharsets.US_ASCII));
        };
        run.run();
        List<Check> failed = run.checks().stream().filter(c -> !c.passed()).toList();
        assertTrue(failed.stream().anyMatch(c -> c.name().contains("canary absent: ")), () -> "failures: " + failed);
    }

    private static long firstKeptAddress(Path elfDump) throws IOException {
        try (MappedImage img = MappedImage.open(elfDump, MappedImage.Access.READ_ONLY)) {
            return ElfCore.open(img).loads().stream().filter(ph -> ph.filesz() > 0).findFirst().orElseThrow().paddr();
        }
    }

    /** Writes bytes over the ELF dump's copy of physical address {@code paddr}. */
    private static void overwrite(Path elfDump, long paddr, byte[] bytes) throws IOException {
        long fileOffset = -1;
        try (MappedImage img = MappedImage.open(elfDump, MappedImage.Access.READ_ONLY)) {
            for (ProgramHeader ph : ElfCore.open(img).loads()) {
                if (paddr >= ph.paddr() && paddr + bytes.length <= ph.paddr() + ph.filesz()) {
                    fileOffset = ph.offset() + (paddr - ph.paddr());
                }
            }
        }
        assertTrue(fileOffset > 0, "physical address 0x" + Long.toHexString(paddr) + " is not in " + elfDump);
        try (FileChannel ch = FileChannel.open(elfDump, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), fileOffset);
        }
    }
}
