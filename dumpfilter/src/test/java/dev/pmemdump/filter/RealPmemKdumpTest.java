package dev.pmemdump.filter;

import dev.pmemdump.testing.FixtureTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmemdump.io.Range;
import dev.pmemdump.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real kdumps of a 6.1 kernel whose vmcore contains pmem, filtered as a user would, against a ground
 * truth computed without pmemdump (an ELF parse of the vmcore, the first kernel's sysfs, drgn):
 * every metadata range and its sha256, -d 63 dropping exactly the metadata, and no pmem user data
 * in an ELF dump. The second fixture has the layouts that break naive tools: no PF_DEV (stock
 * kexec-tools), a region ending 128 KiB short of 2 MiB alignment, a raw namespace sharing a memory
 * section with a map=mem namespace (unmapped vmemmap) and that namespace's struct pages in ten
 * scattered RAM runs.
 */
@FixtureTest
class RealPmemKdumpTest {
    static final String K3 = "linux-6.1-qemu-pmem-kdump/k3-load-pfdev-nohole-192M/";
    static final String HARD = "linux-6.1-qemu-pmem-kdump/stock-load-hard-layouts/";
    private static final long PAGE = 4096;
    private static final Pattern HASH_LINE =
            Pattern.compile("^pfn: \\[([0-9a-f]+) - ([0-9a-f]+)\\), sha256\\[[0-9a-f]+\\]: ([0-9a-f]{64})$", Pattern.MULTILINE);
    private static final Pattern COUNT = Pattern.compile("^ *(pmem metadata pages|pmem userdata pages) *: 0x([0-9a-f]+)$",
            Pattern.MULTILINE);

    @TempDir
    Path dir;

    /** The fixture's truth: the pmem PT_LOAD, device metadata ranges with sha256, RAM memmap pfns. */
    record Truth(Path vmcore, JsonNode json, Range pmem, List<Range> device, List<String> deviceSha, TreeSet<Long> ramPfns) {
        long metadataPages() {
            return device.stream().mapToLong(Range::length).sum() + ramPfns.size();
        }
    }

    static Truth truth(String fixture) throws IOException {
        JsonNode g = new ObjectMapper().readTree(Fixtures.path(fixture + "host-analysis/ground-truth.json").toFile());
        Range pmem = null;
        for (JsonNode l : g.get("loads")) {
            long paddr = Long.decode(l.get("paddr").asText());
            if (paddr >= 0x100000000L) {
                pmem = Range.ofLength(paddr, Long.decode(l.get("memsz").asText())).scaleOut(PAGE);
            }
        }
        List<Range> device = new ArrayList<>();
        List<String> sha = new ArrayList<>();
        TreeSet<Long> ram = new TreeSet<>();
        for (JsonNode ns : g.get("namespaces")) {
            if (!ns.has("data_start") || ns.get("data_start").asText().equals(ns.get("ns_start").asText())) {
                continue;  // raw: no metadata
            }
            long start = Long.decode(ns.get("ns_start").asText());
            long data = Long.decode(ns.get("data_start").asText());
            List<JsonNode> runs = new ArrayList<>();
            ns.path("memmap").path("physical_runs").forEach(runs::add);
            ns.path("memmap_physical_runs").forEach(r -> runs.add(r.deepCopy()));
            boolean inRam = ns.path("map").asText().equals("mem")
                    || runs.stream().anyMatch(r -> r.path("loc").asText().equals("RAM"));
            if (inRam) {
                for (JsonNode r : runs) {
                    for (long pa = Long.decode(r.get("pa_start").asText()); pa < Long.decode(r.get("pa_end").asText()); pa += PAGE) {
                        ram.add(pa / PAGE);
                    }
                }
            } else {
                device.add(new Range(start / PAGE, data / PAGE));
                sha.add(ns.get("sha256_ns_start_to_data_start").asText());
            }
        }
        return new Truth(Fixtures.unzstd(fixture + "vmcore.raw.zst"), g, pmem, device, sha, ram);
    }

    /** sha256 of physical pfns {@code r} read straight from the vmcore file at the offsets the truth's PT_LOADs give. */
    static String sha256(Truth t, Range r) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (RandomAccessFile f = new RandomAccessFile(t.vmcore().toFile(), "r")) {
            byte[] page = new byte[(int) PAGE];
            for (long pfn = r.start(); pfn < r.end(); pfn++) {
                f.seek(fileOffset(t.json(), pfn * PAGE));
                f.readFully(page);
                md.update(page);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static long fileOffset(JsonNode g, long pa) {
        for (JsonNode l : g.get("loads")) {
            long paddr = Long.decode(l.get("paddr").asText());
            long vaddr = Long.parseUnsignedLong(l.get("vaddr").asText().substring(2), 16);
            if (Long.compareUnsigned(vaddr, 0xffffffff80000000L) >= 0) {
                continue;  // kernel text: the same pages again
            }
            if (paddr <= pa && pa < paddr + Long.decode(l.get("filesz").asText())) {
                return Long.decode(l.get("offset").asText()) + pa - paddr;
            }
        }
        throw new IllegalArgumentException("physical 0x" + Long.toHexString(pa) + " in no PT_LOAD");
    }

    /** Runs the filter; every printed metadata line checked against the truth; returns the run. */
    private ElfInputAcceptanceTest.Run filterAndCheckLines(Truth t, String... args) throws Exception {
        ElfInputAcceptanceTest.Run run = ElfInputAcceptanceTest.makedumpfile(args);
        assertEquals(0, run.code(), run.out() + run.err());
        List<Range> device = new ArrayList<>();
        TreeSet<Long> ram = new TreeSet<>();
        Matcher m = HASH_LINE.matcher(run.out());
        while (m.find()) {
            Range r = new Range(Long.parseLong(m.group(1), 16), Long.parseLong(m.group(2), 16));
            assertEquals(sha256(t, r), m.group(3), "sha256 of " + r + " as the vmcore holds it");
            if (t.pmem().contains(r)) {
                device.add(r);
                int i = t.device().indexOf(r);
                assertTrue(i >= 0, r + " is no namespace's [start, data start): " + t.device());
                assertEquals(t.deviceSha().get(i), m.group(3), "ground truth sha256 of " + r);
            } else {
                for (long p = r.start(); p < r.end(); p++) {
                    ram.add(p);
                }
            }
        }
        assertEquals(t.device(), device, "device metadata ranges");
        assertEquals(t.ramPfns(), ram, "RAM memmap pfns (case C)");
        return run;
    }

    private static long count(ElfInputAcceptanceTest.Run run, String label) {
        Matcher m = COUNT.matcher(run.out());
        while (m.find()) {
            if (m.group(1).equals(label)) {
                return Long.parseLong(m.group(2), 16);
            }
        }
        throw new AssertionError("no \"" + label + "\" line in\n" + run.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-l", "-c", "-E"})
    void pfDevKdumpKeepsExactlyTheMetadata(String format) throws Exception {
        Truth t = truth(K3);
        ElfInputAcceptanceTest.Run kept = filterAndCheckLines(t, format, "-d", "31", "--message-level", "31",
                t.vmcore().toString(), dir.resolve("d31").toString());
        assertEquals(0, count(kept, "pmem metadata pages"));
        assertEquals(t.pmem().length() - deviceLength(t), count(kept, "pmem userdata pages"));
        ElfInputAcceptanceTest.Run dropped = filterAndCheckLines(t, format, "-d", "63", "--message-level", "31",
                t.vmcore().toString(), dir.resolve("d63").toString());
        assertEquals(t.metadataPages(), count(dropped, "pmem metadata pages"));
        if (format.equals("-E")) {
            assertNoPmemUserData(t, dir.resolve("d31"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-l", "-c", "-E"})
    void stockKernelKdumpWithTheFirstKernelsIomem(String format) throws Exception {
        Truth t = truth(HARD);
        String iomem = Fixtures.path(HARD + "first-kernel/40-iomem.txt").toString();
        ElfInputAcceptanceTest.Run kept = filterAndCheckLines(t, format, "-d", "31", "--message-level", "31",
                "--iomem", iomem, t.vmcore().toString(), dir.resolve("d31").toString());
        assertEquals(0, count(kept, "pmem metadata pages"));
        assertEquals(t.pmem().length() - deviceLength(t), count(kept, "pmem userdata pages"));
        ElfInputAcceptanceTest.Run dropped = filterAndCheckLines(t, format, "-d", "63", "--message-level", "31",
                "--iomem", iomem, t.vmcore().toString(), dir.resolve("d63").toString());
        assertEquals(t.metadataPages(), count(dropped, "pmem metadata pages"));
        if (format.equals("-E")) {
            assertNoPmemUserData(t, dir.resolve("d31"));
        }
    }

    /** The capture kernel's command line carries the ranges when pmemdump loaded it (pmemdump.pmem=). */
    @Test
    void stockKernelKdumpWithTheCaptureCommandLine() throws Exception {
        Truth t = truth(HARD);
        Path cmdline = Files.writeString(dir.resolve("cmdline"), Files.readString(
                Fixtures.path(HARD + "capture-kernel/c00-cmdline.txt")).trim()
                + " pmemdump.pmem=0x100000000-0x11ffdffff pmemdump.ns=0x100000000,0x108000000,0x10c000000,0x10e000000\n");
        Path json = dir.resolve("d31.json");
        filterAndCheckLines(t, "-l", "-d", "31", "--message-level", "31", "--cmdline", cmdline.toString(),
                "--json-report", json.toString(), t.vmcore().toString(), dir.resolve("d31").toString());
        // the JSON report names its run and says what its metadata counters count
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertEquals(t.vmcore().toString(), report.get("input").asText());
        assertEquals(dir.resolve("d31").toString(), report.get("outputs").get(0).asText());
        assertEquals(31, report.get("dump_level").asInt());
        assertEquals("kdump-compressed (pages: lzo)", report.get("format").asText());
        assertTrue(report.has("pmemdump_version"));
        assertEquals(t.metadataPages(), report.get("pmem_metadata_pages_kept").asLong());
        assertEquals(0, report.get("pmem_metadata_pages").asLong(), "dropped: none at -d 31");
    }

    /**
     * Nothing says which PT_LOAD is pmem (no PF_DEV, no iomem, no command line): the pmem is taken for
     * RAM and its struct pages are read. Those of the raw namespace, in a memory section it shares
     * with a map=mem namespace, are not mapped: upstream makedumpfile fails the whole dump there
     * ("Can't read the buffer of struct page"); the pages are kept, counted and named instead.
     */
    @Test
    void unreadableStructPagesAreKeptNotFatal() throws Exception {
        Truth t = truth(HARD);
        ElfInputAcceptanceTest.Run run = ElfInputAcceptanceTest.makedumpfile("-l", "-d", "31", "--json-report",
                dir.resolve("r.json").toString(), t.vmcore().toString(), dir.resolve("out").toString());
        assertEquals(0, run.code(), run.out() + run.err());
        // pfns [0x10c000, 0x110000): the raw namespace and the first 32 MiB of the devdax one, in memory
        // section 0x21, present for fsdax-mem, whose vmemmap is mapped only for fsdax-mem's pfns (a page
        // table walk with drgn's reads finds it unmapped from 0x10c000 on; the sections above are not present)
        assertTrue(run.out().contains("pmemdump: kept 0x4000 pages whose struct page could not be read (first: "),
                run.out());
        JsonNode json = new ObjectMapper().readTree(dir.resolve("r.json").toFile());
        assertEquals(0x4000, json.get("kept_unreadable_struct_page_pages").asLong());
    }

    @Test
    void pmemThatMatchesNoLoadIsANamedError() throws Exception {
        Truth t = truth(HARD);
        Path iomem = Files.writeString(dir.resolve("iomem"), Files.readString(
                Fixtures.path(HARD + "first-kernel/40-iomem.txt")).replace("100000000-11ffdffff : Persistent Memory",
                "100000000-10fffffff : Persistent Memory").replace("  10e400000-115ffffff : dax0.3\n", "")
                .replace("  10e000000-10e3fffff : namespace0.3\n", ""));
        ElfInputAcceptanceTest.Run run = ElfInputAcceptanceTest.makedumpfile("-l", "-d", "31", "--iomem",
                iomem.toString(), t.vmcore().toString(), dir.resolve("out").toString());
        assertEquals(1, run.code());
        assertTrue(run.err().lines().anyMatch(l -> l.startsWith(iomem + ": ")), run.err());
        assertTrue(Files.notExists(dir.resolve("out")), "nothing half-written");
    }

    private static long deviceLength(Truth t) {
        return t.device().stream().mapToLong(Range::length).sum();
    }

    /** Every PT_LOAD of an ELF dump that carries bytes of the pmem range lies inside a metadata range. */
    private static void assertNoPmemUserData(Truth t, Path elf) throws IOException {
        try (FileChannel ch = FileChannel.open(elf)) {
            ByteBuffer eh = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(eh, 0);
            long phoff = eh.getLong(0x20);
            int phnum = Short.toUnsignedInt(eh.getShort(0x38));
            ByteBuffer ph = ByteBuffer.allocate(56 * phnum).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(ph, phoff);
            for (int i = 0; i < phnum; i++) {
                int at = 56 * i;
                long paddr = ph.getLong(at + 24);
                long filesz = ph.getLong(at + 32);
                if (ph.getInt(at) != 1 || filesz == 0) {
                    continue;
                }
                Range pages = Range.ofLength(paddr, filesz).scaleOut(PAGE);
                if (pages.overlaps(t.pmem())) {
                    assertTrue(t.device().stream().anyMatch(d -> d.contains(pages)),
                            "PT_LOAD " + i + " " + pages + " carries pmem user data");
                }
            }
        }
    }
}
