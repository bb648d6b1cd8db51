package dev.pmemdump.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmemdump.filter.elf.ElfPageSource;
import dev.pmemdump.filter.kdump.KdumpReader;
import dev.pmemdump.filter.report.Chromium;
import dev.pmemdump.filter.report.SpanKind;
import dev.pmemdump.images.ExpectedReport;
import dev.pmemdump.images.ImageBuilder;
import dev.pmemdump.images.Manifest;
import dev.pmemdump.images.Scenario;
import dev.pmemdump.io.MemParse;
import dev.pmemdump.io.Progress;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.FixtureTest;
import dev.pmemdump.testing.OracleTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code makedumpfile --html-report}: the map's exact page total per class (the legend's
 * {@code data-bytes}) equals the report's counters, the written dump's bitmaps and, on a built
 * scenario, the manifest's page classes and pmem metadata; the page renders in headless Chromium.
 */
@FixtureTest
class HtmlReportRunTest {
    private static final Pattern LEGEND = Pattern.compile("data-kind=\"([A-Z_]+)\" data-bytes=\"(\\d+)\"");
    private static final long PAGE = 4096;

    @TempDir
    static Path dir;
    private static Path scenario;
    private static Manifest manifest;

    /** Pages per kind drawn on the map; kinds not drawn are 0. */
    static Map<SpanKind, Long> mapPages(Path html) throws IOException {
        Map<SpanKind, Long> pages = new EnumMap<>(SpanKind.class);
        for (SpanKind k : SpanKind.values()) {
            pages.put(k, 0L);
        }
        Matcher m = LEGEND.matcher(Files.readString(html));
        while (m.find()) {
            long bytes = Long.parseLong(m.group(2));
            assertEquals(0, bytes % PAGE, m.group());
            pages.put(SpanKind.valueOf(m.group(1)), bytes / PAGE);
        }
        return pages;
    }

    static JsonNode run(String name, String... options) throws IOException {
        Path json = dir.resolve(name + ".json");
        List<String> argv = new ArrayList<>(List.of(options));
        argv.addAll(0, List.of("--json-report", json.toString(), "--html-report", dir.resolve(name + ".html").toString()));
        var r = ElfInputAcceptanceTest.makedumpfile(argv.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return new ObjectMapper().readTree(json.toFile());
    }

    private static void assertClassesEqualCounters(Map<SpanKind, Long> map, JsonNode j) {
        assertEquals(j.get("zero_pages").asLong(), map.get(SpanKind.RAM_ZERO), "zero");
        assertEquals(j.get("non_private_cache_pages").asLong(), map.get(SpanKind.RAM_CACHE), "cache");
        assertEquals(j.get("private_cache_pages").asLong(), map.get(SpanKind.RAM_CACHE_PRIVATE), "private cache");
        assertEquals(j.get("user_pages").asLong(), map.get(SpanKind.RAM_USER), "user");
        assertEquals(j.get("free_pages").asLong(), map.get(SpanKind.RAM_FREE), "free");
        assertEquals(j.get("hwpoison_pages").asLong(), map.get(SpanKind.RAM_HWPOISON), "hwpoison");
        assertEquals(j.get("offline_pages").asLong(), map.get(SpanKind.RAM_OFFLINE), "offline");
        assertEquals(j.get("pmem_metadata_pages").asLong(), map.get(SpanKind.PMEM_METADATA_DROPPED), "pmem metadata");
        assertEquals(j.get("pmem_userdata_pages").asLong(), map.get(SpanKind.PMEM_USERDATA_EXCLUDED), "pmem userdata");
        assertEquals(0, map.get(SpanKind.PMEM_USERDATA_KEPT));
    }

    /**
     * The real 6.1 vmcore at -l -d 31: every class of the map has exactly the report's count (the
     * report's counts equal makedumpfile 1.7.2's recorded ones, ElfInputAcceptanceTest), and what the
     * map shows kept is what the written dump's bitmaps hold.
     */
    @Test
    void fixtureMapEqualsCountersAndTheDumpsBitmaps() throws IOException {
        Path vmcore = Fixtures.unzstd("linux-6.1-qemu/kdump-file/vmcore.raw.zst");
        Path out = dir.resolve("fixture.kdump");
        JsonNode j = run("fixture", "-l", "-d", "31", "--message-level", "0", vmcore.toString(), out.toString());
        Map<SpanKind, Long> map = mapPages(dir.resolve("fixture.html"));
        assertClassesEqualCounters(map, j);
        assertTrue(map.get(SpanKind.RAM_FREE) > 0 && map.get(SpanKind.RAM_USER) > 0 && map.get(SpanKind.RAM_CACHE) > 0
                && map.get(SpanKind.RAM_ZERO) > 0, map.toString());
        try (KdumpReader dump = KdumpReader.open(out)) {
            assertEquals(dump.readable().cardinality(), map.get(SpanKind.RAM_KEPT) + map.get(SpanKind.RAM_ZERO));
            long drawn = map.values().stream().mapToLong(Long::longValue).sum();
            assertEquals(dump.present().cardinality(), drawn);
        }
        String html = Files.readString(dir.resolve("fixture.html"));
        for (String phase : List.of("<td>open</td>", "<td>classify</td>", "<td>write</td>",
                "<td>Pages filled with zero</td>", "Nothing was checked.")) {
            assertTrue(html.contains(phase), phase);
        }
    }

    /** -E over several cycles counts kernel-text pages per PT_LOAD; the map draws each pfn once. */
    @Test
    void elfMapDrawsEachPfnOnce() throws IOException {
        Path vmcore = Fixtures.unzstd("linux-6.1-qemu/kdump-file/vmcore.raw.zst");
        JsonNode j = run("fixture-elf", "-E", "-d", "31", "--message-level", "0", vmcore.toString(),
                dir.resolve("fixture.elf").toString());
        Map<SpanKind, Long> map = mapPages(dir.resolve("fixture-elf.html"));
        JsonNode once = run("fixture-once", "-l", "-d", "31", "--message-level", "0", vmcore.toString(),
                dir.resolve("fixture-once.kdump").toString());
        long excludedOnce = once.get("excluded_pages").asLong();
        long drawnExcluded = map.get(SpanKind.RAM_ZERO) + map.get(SpanKind.RAM_CACHE)
                + map.get(SpanKind.RAM_CACHE_PRIVATE) + map.get(SpanKind.RAM_USER) + map.get(SpanKind.RAM_FREE);
        assertEquals(excludedOnce, drawnExcluded);
        assertTrue(j.get("excluded_pages").asLong() >= drawnExcluded);
    }

    @Test
    void refusedWhereNothingIsFiltered() {
        Path page = dir.resolve("refused.html");
        var r = ElfInputAcceptanceTest.makedumpfile("--html-report", page.toString(), "--dump-dmesg", "vmcore", "log");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("makedumpfile: --html-report cannot be used with -R, --dump-dmesg, --mem-usage or "
                + "--regions\n"), r.err());
        r = ElfInputAcceptanceTest.makedumpfile("-d", "31", "vmcore", "dump", "--html-report");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("option '--html-report' requires an argument"), r.err());
        assertFalse(Files.exists(page));
    }

    /** The default scenario's pmem (fsdax map=dev, fsdax map=mem, devdax) over less RAM, to stay fast. */
    private static Scenario scenarioSpec() {
        return ScenarioAcceptanceTest.small(1, Scenario.defaultScenario().pmem(), true);
    }

    private static synchronized Path scenario() throws IOException {
        if (scenario == null) {
            Path img = dir.resolve("default-scenario");
            manifest = ImageBuilder.build(scenarioSpec(), img, Progress.silent());
            scenario = img.resolve(ImageBuilder.VMCORE);
        }
        return scenario;
    }

    /**
     * A scenario with the default one's pmem (on-device and in-RAM memmaps): at -d 31 the metadata is kept, at
     * -d 63 dropped, page for page as the manifest says; pmem user data is drawn excluded exactly as
     * counted; the RAM classes equal the manifest's; the page renders with those colours.
     */
    @OracleTest
    @ParameterizedTest
    @ValueSource(ints = {31, 63})
    void scenarioPmemMatchesManifest(int level) throws IOException {
        Path vmcore = scenario();
        String name = "scenario-d" + level;
        JsonNode j = run(name, "-l", "-d", String.valueOf(level), "--message-level", "0", vmcore.toString(),
                dir.resolve(name + ".kdump").toString());
        Path page = dir.resolve(name + ".html");
        Map<SpanKind, Long> map = mapPages(page);
        assertClassesEqualCounters(map, j);

        long pmemPages = 0;
        long metaPages = 0;
        long zeroMeta = 0;
        List<Manifest.MetadataRange> inPmem = new ArrayList<>();
        try (ElfPageSource elf = ElfPageSource.open(vmcore)) {
            byte[] buf = new byte[elf.pageSize()];
            for (Scenario.PmemRegion region : scenarioSpec().pmem()) {
                long start = MemParse.parse(region.start()) / PAGE;
                long end = start + MemParse.parse(region.size()) / PAGE;
                pmemPages += end - start;
                // the manifest also lists metadata a map=mem namespace keeps in RAM: RAM, not pmem, here
                for (Manifest.MetadataRange r : manifest.pmemMetadata()) {
                    if (r.startPfn() >= start && r.endPfn() <= end) {
                        inPmem.add(r);
                        metaPages += r.endPfn() - r.startPfn();
                        for (long pfn = r.startPfn(); pfn < r.endPfn(); pfn++) {
                            elf.read(pfn, buf);
                            zeroMeta += isZero(buf) ? 1 : 0;
                        }
                    }
                }
            }
        }
        assertTrue(metaPages > 0);
        // -d 63 also drops the RAM memmap of map=mem namespaces (case C)
        long ramMetaPages = manifest.pmemMetadata().stream().filter(r -> Manifest.MetadataRange.RAM.equals(r.location()))
                .mapToLong(r -> r.endPfn() - r.startPfn()).sum();
        assertTrue(ramMetaPages > 0);
        if (level == 63) {
            assertEquals(metaPages + ramMetaPages, map.get(SpanKind.PMEM_METADATA_DROPPED));
            assertEquals(0, map.get(SpanKind.PMEM_METADATA_KEPT));
        } else {
            assertEquals(0, map.get(SpanKind.PMEM_METADATA_DROPPED));
            assertEquals(metaPages - zeroMeta, map.get(SpanKind.PMEM_METADATA_KEPT));
        }
        assertEquals(pmemPages - metaPages, map.get(SpanKind.PMEM_USERDATA_EXCLUDED));
        ExpectedReport.Counts ram = manifest.expectedReport().ramOnly();
        assertEquals(ram.nonPrivateCache(), map.get(SpanKind.RAM_CACHE));
        assertEquals(ram.privateCache(), map.get(SpanKind.RAM_CACHE_PRIVATE));
        assertEquals(ram.user(), map.get(SpanKind.RAM_USER));
        assertEquals(ram.free(), map.get(SpanKind.RAM_FREE));

        String html = Files.readString(page);
        assertTrue(html.contains("All checks passed."));
        for (Manifest.MetadataRange r : inPmem) {
            assertTrue(html.contains("<code>" + r.sha256() + "</code>"), "hash of " + r.namespace());
        }
        Chromium chromium = new Chromium(dir);
        chromium.assertRendered(page);
        BufferedImage shot = chromium.screenshot(page);
        SpanKind meta = level == 63 ? SpanKind.PMEM_METADATA_DROPPED : SpanKind.PMEM_METADATA_KEPT;
        for (SpanKind k : List.of(SpanKind.RAM_KEPT, SpanKind.RAM_FREE, SpanKind.RAM_USER, meta,
                SpanKind.PMEM_USERDATA_EXCLUDED)) {
            assertTrue(Chromium.countColor(shot, k.color()) > 20, "colour of " + k + " not on screen");
        }
    }

    private static boolean isZero(byte[] p) {
        for (byte b : p) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
