package dev.pmemdump.filter;

import dev.pmemdump.filter.kdump.KdumpReader;
import dev.pmemdump.images.ImageBuilder;
import dev.pmemdump.images.Manifest;
import dev.pmemdump.images.Scenario;
import dev.pmemdump.io.Progress;
import dev.pmemdump.testing.Tools;
import dev.pmemdump.testing.OracleTest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenarios from the native-test-images module: the real makedumpfile's page counts on RAM-only
 * vmcores, and on pmem vmcores (cases C and D) the manifest's panic-time metadata hashes, the exact
 * metadata page count dropped by -d 63 and no canary of pmem user data in any output.
 */
@OracleTest
class ScenarioAcceptanceTest {
    @TempDir
    Path dir;

    static Scenario small(long seed, List<Scenario.PmemRegion> pmem, boolean rfcKernel) {
        Scenario d = Scenario.defaultScenario();
        return new Scenario(d.kernelRelease(), 2,
                List.of(new Scenario.Range("0x1000", "0x9e000"), new Scenario.Range("0x100000", "0xff00000")),
                new Scenario.Range("0x8000000", "64M"), "0x2000000", "file", rfcKernel, pmem, d.pageMix(),
                d.canaries(), seed);
    }

    static List<String> counts(String report) {
        return report.lines().filter(l -> l.matches("^(Original pages|  Excluded pages|     in ELF format|    [A-Z]"
                + "|  Remaining pages|  \\(The number|Memory Hole|Total pages).*")).toList();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void ramOnlyReportEqualsMakedumpfile(long seed) throws IOException {
        Path img = dir.resolve("img");
        ImageBuilder.build(small(seed, List.of(), false), img, Progress.silent());
        Path vmcore = img.resolve(ImageBuilder.VMCORE);
        for (String format : List.of("-l", "-E")) {
            Tools.Run theirs = Tools.run(List.of(Tools.require("makedumpfile").toString(), format, "-d", "31",
                    "--message-level", "31", vmcore.toString(), dir.resolve("t" + format).toString()), dir, 300);
            theirs.assertOk();
            var ours = ElfInputAcceptanceTest.makedumpfile(format, "-d", "31", "--message-level", "31",
                    vmcore.toString(), dir.resolve("o" + format).toString());
            assertEquals(0, ours.code(), ours.err());
            assertEquals(counts(theirs.stdout()), counts(ours.out()), format);
        }
    }

    @ParameterizedTest
    @CsvSource({"dev,true,3", "mem,true,5", "dev,false,4"})
    void pmemMetadataHashesAndNoUserData(String map, boolean rfcKernel, long seed) throws IOException {
        Scenario.PmemRegion region = new Scenario.PmemRegion("0x100000000", "128M", false,
                List.of(new Scenario.Namespace("ns0", "fsdax", map, "64M", null)));
        Path img = dir.resolve("img");
        Manifest m = ImageBuilder.build(small(seed, List.of(region), rfcKernel), img, Progress.silent());
        Path vmcore = img.resolve(ImageBuilder.VMCORE);
        long metaPages = 0;
        long ramPages = 0;
        for (Manifest.MetadataRange r : m.pmemMetadata()) {
            metaPages += r.endPfn() - r.startPfn();
            ramPages += Manifest.MetadataRange.RAM.equals(r.location()) ? r.endPfn() - r.startPfn() : 0;
        }
        assertEquals(map.equals("dev"), metaPages > ramPages, "manifest metadata " + m.pmemMetadata());
        // case C: 16384 pfns of 64-byte struct pages fill 256 vmemmap pages in RAM
        assertEquals(map.equals("mem") ? 256 : 0, ramPages, "manifest metadata " + m.pmemMetadata());
        for (String format : List.of("-l", "-c", "-p", "-z", "-E", "-F")) {
            Path out = dir.resolve("out" + format);
            var r = format.equals("-F")
                    ? ElfInputAcceptanceTest.makedumpfile("-F", "-l", "-d", "31", "--message-level", "31", vmcore.toString())
                    : ElfInputAcceptanceTest.makedumpfile(format, "-d", "31", "--message-level", "31",
                    vmcore.toString(), out.toString());
            assertEquals(0, r.code(), r.err());
            String log = r.out() + r.err();
            if (!rfcKernel) {
                // an unpatched kernel leaves pmem out of /proc/vmcore: nothing of it can be dumped
                assertFalse(log.contains("pfn: ["), log);
                assertTrue(log.contains("    pmem userdata pages     : 0x0000000000000000\n"), log);
                continue;
            }
            for (Manifest.MetadataRange mr : m.pmemMetadata()) {
                String line = "pfn: [" + Long.toHexString(mr.startPfn()) + " - " + Long.toHexString(mr.endPfn())
                        + "), sha256[" + Long.toHexString(mr.endPfn()) + "]: " + mr.sha256();
                assertTrue(log.contains(line + "\n"), "missing " + line + " in\n" + log);
            }
            if (!format.equals("-F")) {
                assertNoCanary(m, out, format);
            }
        }
        if (!rfcKernel) {
            return;
        }
        // without bit 0x20 the RAM memmap pages are kept like kernel pages
        try (var kd = KdumpReader.open(dir.resolve("out-l"))) {
            for (Manifest.MetadataRange r : m.pmemMetadata()) {
                assertEquals(r.endPfn() - r.startPfn(), kd.readable().cardinality(r.startPfn(), r.endPfn()), r.toString());
            }
        }
        Path json = dir.resolve("d63.json");
        var d63 = ElfInputAcceptanceTest.makedumpfile("-l", "-d", "63", "--message-level", "31", "--json-report",
                json.toString(), vmcore.toString(), dir.resolve("d63").toString());
        assertEquals(0, d63.code(), d63.err());
        // the report's ranges are the manifest's, with where they live
        var ranges = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile()).get("pmem_metadata_ranges");
        java.util.Set<String> reported = new java.util.HashSet<>();
        ranges.forEach(r -> reported.add(r.get("start_pfn").asLong() + "-" + r.get("end_pfn").asLong() + " "
                + r.get("location").asText() + " " + r.get("sha256").asText()));
        java.util.Set<String> expected = new java.util.HashSet<>();
        m.pmemMetadata().forEach(r -> expected.add(r.startPfn() + "-" + r.endPfn() + " " + r.location() + " " + r.sha256()));
        assertEquals(expected, reported);
        // a minidump of pmem-metadata holds every range, on the device or in RAM, byte for byte
        Path mini = dir.resolve("mini.elf");
        var mr = ElfInputAcceptanceTest.makedumpfile("--regions", "pmem-metadata", vmcore.toString(), mini.toString());
        assertEquals(0, mr.code(), mr.err());
        try (var miniImg = dev.pmemdump.io.MappedImage.open(mini, dev.pmemdump.io.MappedImage.Access.READ_ONLY)) {
            var mem = new dev.pmemdump.vmcore.elf.ElfPhysicalMemory(dev.pmemdump.vmcore.elf.ElfCore.open(miniImg));
            for (Manifest.MetadataRange r : m.pmemMetadata()) {
                java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
                for (long pfn = r.startPfn(); pfn < r.endPfn(); pfn++) {
                    md.update(mem.read(pfn << 12, 4096));
                }
                assertEquals(r.sha256(), java.util.HexFormat.of().formatHex(md.digest()), r.toString());
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        // the dropped RAM memmap pages are not in the kdump file
        try (var kd = KdumpReader.open(dir.resolve("d63"))) {
            for (Manifest.MetadataRange r : m.pmemMetadata()) {
                for (long pfn = r.startPfn(); pfn < r.endPfn(); pfn++) {
                    assertFalse(kd.readable().get(pfn), "pfn 0x" + Long.toHexString(pfn) + " dropped");
                }
            }
        }
        assertTrue(d63.out().contains(String.format("    pmem metadata pages     : 0x%016x%n", metaPages)), d63.out());
    }

    @org.junit.jupiter.api.Test
    void brokenDevmListFailsWithoutDumpfile() throws IOException {
        Scenario.PmemRegion region = new Scenario.PmemRegion("0x100000000", "128M", false,
                List.of(new Scenario.Namespace("ns0", "fsdax", "dev", "64M", null)));
        Path img = dir.resolve("img");
        ImageBuilder.build(small(6, List.of(region), true), img, Progress.silent());
        Path vmcore = img.resolve(ImageBuilder.VMCORE);
        // point the list head at init_uts_ns (same text length): its "next" is not a list node
        byte[] bytes = Files.readAllBytes(vmcore);
        String text = new String(bytes, 0, Math.min(bytes.length, 1 << 16), StandardCharsets.ISO_8859_1);
        String key = "SYMBOL(devm_memmap_vmcore_head)=";
        int at = text.indexOf(key);
        assertTrue(at > 0, "the RFC kernel's VMCOREINFO has the devm list");
        int uts = text.indexOf("SYMBOL(init_uts_ns)=");
        String utsValue = text.substring(uts + 20, text.indexOf('\n', uts));
        String headValue = text.substring(at + key.length(), text.indexOf('\n', at));
        assertEquals(headValue.length(), utsValue.length());
        System.arraycopy(utsValue.getBytes(StandardCharsets.US_ASCII), 0, bytes, at + key.length(), utsValue.length());
        Path bad = dir.resolve("bad-devm.vmcore");
        Files.write(bad, bytes);
        Path out = dir.resolve("never.kdump");
        var r = ElfInputAcceptanceTest.makedumpfile("-l", "-d", "31", bad.toString(), out.toString());
        assertEquals(1, r.code(), r.out());
        assertTrue(r.out().endsWith("\nmakedumpfile Failed.\n"), r.out());
        assertEquals(1, r.err().lines().filter(l -> !l.isEmpty()).count(), r.err());
        assertFalse(Files.exists(out));
    }

    void assertNoCanary(Manifest m, Path out, String format) throws IOException {
        List<byte[]> userCanaries = m.canaries().stream().filter(c -> c.pageClass().startsWith("PMEM"))
                .map(c -> c.text().getBytes(StandardCharsets.US_ASCII)).toList();
        assertFalse(userCanaries.isEmpty(), "the scenario plants pmem canaries: " + m.canaries());
        if (format.equals("-E")) {
            byte[] all = Files.readAllBytes(out);
            for (byte[] c : userCanaries) {
                assertFalse(PmemFilterTest.contains(all, c), new String(c) + " in " + out);
            }
            return;
        }
        try (KdumpReader k = KdumpReader.open(out)) {
            byte[] page = new byte[4096];
            var pages = k.readable();
            for (long p = pages.nextSet(0); p >= 0; p = pages.nextSet(p + 1)) {
                k.read(p, page);
                for (byte[] c : userCanaries) {
                    assertFalse(PmemFilterTest.contains(page, c), new String(c) + " in pfn 0x" + Long.toHexString(p));
                }
            }
        }
    }
}
