package dev.pmemdump.cli.verify;

import dev.pmemdump.filter.DumpInput;
import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.filter.report.ReportModel;
import dev.pmemdump.filter.report.SpanKind;
import dev.pmemdump.images.ExpectedReport;
import dev.pmemdump.images.ImageBuilder;
import dev.pmemdump.images.Manifest;
import dev.pmemdump.images.Scenario;
import dev.pmemdump.io.Progress;
import dev.pmemdump.vmcore.elf.ProgramHeader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The RFC authors' test, done for every case, seed and format: build the scenario (first kernel,
 * panic-time manifest, /proc/vmcore), filter it, read the dump back and compare with the manifest
 * and with the real makedumpfile.
 */
final class VerificationRun {
    private static final int KEEP_METADATA = 31;
    private static final int DROP_METADATA = 63;

    private final Scenario base;
    private final List<DumpCase> cases;
    private final int seeds;
    private final List<DumpFormat> formats;
    private final Path work;
    private final UpstreamMakedumpfile upstream;
    private final Progress progress;

    /** Changes a finished dump before it is read back; tests use it to prove the checks can fail. */
    interface Tamper {
        void apply(DumpFormat format, Path dump, Manifest manifest) throws IOException;
    }

    Tamper tamper = (format, dump, manifest) -> { };
    /** Keep each scenario's images, vmcore and dumps (when the user named the work directory). */
    boolean keepBuilds;
    final List<Check> checks = new ArrayList<>();
    final Map<String, Double> timingsMs = new LinkedHashMap<>();
    /** What the HTML page shows: the first filtered build. */
    ReportModel.Span[] mapSpans;
    List<ReportModel.RangeHash> mapHashes = List.of();
    final Map<String, Long> mapCounts = new LinkedHashMap<>();
    String mapTitle;
    private DumpCase mapCase;

    VerificationRun(Scenario base, List<DumpCase> cases, int seeds, List<DumpFormat> formats, Path work,
                    UpstreamMakedumpfile upstream, Progress progress) {
        this.base = base;
        this.cases = cases;
        this.seeds = seeds;
        this.formats = formats;
        this.work = work;
        this.upstream = upstream;
        this.progress = progress;
    }

    void run() throws IOException {
        List<DumpCase> builds = cases.stream().map(DumpCase::filtered).distinct().toList();
        long steps = (long) seeds * builds.size();
        long done = 0;
        for (int seed = 1; seed <= seeds; seed++) {
            for (DumpCase build : builds) {
                Path dir = Files.createDirectories(work.resolve(build + "-seed" + seed));
                Scenario s = build.apply(base).withSeed(seed);
                long t0 = System.nanoTime();
                Manifest manifest = ImageBuilder.build(s, dir, Progress.silent());
                time("build scenario", t0);
                Path vmcore = dir.resolve(ImageBuilder.VMCORE);
                if (cases.contains(build)) {
                    filterAndCheck(build, seed, manifest, vmcore, dir);
                }
                for (DumpCase c : cases) {
                    if (c.negativeControl() && c.filtered() == build) {
                        negativeControl(c, seed, manifest, vmcore, dir);
                    }
                }
                if (!keepBuilds) {
                    deleteTree(dir);        // a build is ~1 GiB of disk: keep one at a time
                }
                progress.update(++done, steps);
            }
        }
        progress.finish();
    }

    private void filterAndCheck(DumpCase c, int seed, Manifest m, Path vmcore, Path dir) throws IOException {
        // pmemdump drops pmem user data unread, so its counts are the RAM loads' (ramOnly); upstream
        // makedumpfile counts pmem pages too (eachPfnOnce), and the difference is pmem's share.
        Map<String, Long> expected = counts(m.expectedReport().ramOnly());
        // Kept pmem metadata is zero-checked like any kept page: its zero pages count as zero.
        long metadataZero = metadataZeroPages(vmcore, m);
        Map<String, Long> upstreamExpected = counts(m.expectedReport().eachPfnOnce());
        PageBitmap keptAtD31 = null;
        Map<String, Long> ourCounts = null;
        for (DumpFormat f : formats) {
            String scope = c + " seed " + seed + " " + f.label();
            long t0 = System.nanoTime();
            FilterRun run = FilterRun.run(vmcore, f, KEEP_METADATA, dir);
            time("filter -d 31", t0);
            if (run.exitCode() != 0) {
                fail(scope, "filter -d 31 completes", "exit " + run.exitCode() + ": " + lastLine(run.messages()));
                continue;
            }
            tamper.apply(f, run.dump(), m);
            Map<String, Long> counts = ramCounts(run, metadataZero);
            if (ourCounts == null || f == dropCheckFormat()) {
                ourCounts = counts;
            }
            check(scope, "RAM page counts = manifest", counts.equals(expected), "ours " + counts + ", manifest " + expected);
            try (DumpScan scan = DumpScan.open(run.dump())) {
                t0 = System.nanoTime();
                checkMetadataHashes(scope, m, scan, run);
                checkCanaries(scope, m, scan, false, f == DumpFormat.ELF);
                time("read back and hash", t0);
                if (f == dropCheckFormat()) {
                    keptAtD31 = scan.readable().copy();
                    // The map shows case D where it runs: metadata on the device is the point.
                    if (mapSpans == null || (c == DumpCase.D && mapCase != DumpCase.D)) {
                        recordMap(c, seed, m, vmcore, scan, run);
                    }
                }
            }
            Files.deleteIfExists(run.dump());
        }
        if (keptAtD31 != null) {
            checkDropMetadata(c, seed, m, vmcore, dir, keptAtD31);
        }
        if (upstream != null && ourCounts != null) {
            long t0 = System.nanoTime();
            UpstreamMakedumpfile.Run r = upstream.run(vmcore, dir.resolve("makedumpfile-l-d31.kdump"), "-l", "-d", "31");
            time("makedumpfile 1.7.2", t0);
            String scope = c + " seed " + seed;
            // makedumpfile's counts less pmem's share (manifest: all loads minus RAM loads) = ours
            Map<String, Long> theirs = new LinkedHashMap<>();
            List<Long> values = new ArrayList<>(r.counts().values());
            int i = 0;
            for (String name : ourCounts.keySet()) {
                long pmemShare = upstreamExpected.get(name) - expected.get(name);
                theirs.put(name, i < values.size() ? values.get(i) - pmemShare : -1);
                i++;
            }
            check(scope, "makedumpfile 1.7.2 RAM counts = ours", r.exitCode() == 0 && theirs.equals(ourCounts),
                    "makedumpfile less pmem's share " + theirs + " (exit " + r.exitCode() + "), ours " + ourCounts);
            Files.deleteIfExists(dir.resolve("makedumpfile-l-d31.kdump"));
        }
    }

    private void checkMetadataHashes(String scope, Manifest m, DumpScan scan, FilterRun run) throws IOException {
        int i = 0;
        for (Manifest.MetadataRange r : m.pmemMetadata()) {
            String got = scan.sha256(r.startPfn(), r.endPfn());
            check(scope, "metadata range " + i + " sha256", r.sha256().equals(got),
                    String.format("pfn [0x%x - 0x%x) %s: panic %s, dump %s", r.startPfn(), r.endPfn(), r.namespace(),
                            r.sha256(), got == null ? "(pages missing: " + (r.endPfn() - r.startPfn()
                                    - scan.pages(r.startPfn(), r.endPfn())) + ")" : got));
            i++;
        }
        long reported = run.report().path("pmem_metadata_ranges").size();
        check(scope, "filter reports every metadata range", reported == m.pmemMetadata().size(),
                reported + " reported, " + m.pmemMetadata().size() + " in the manifest");
    }

    /**
     * Canaries the manifest says -d 31 keeps must be there (positive control); all others must not,
     * except RAM ones in ELF output: like makedumpfile, -E writes runs of fewer than 256 excluded
     * pages as data (docs/dump-formats.md §3.5). pmem user data is never written in any format.
     */
    private void checkCanaries(String scope, Manifest m, DumpScan scan, boolean metadataDropped, boolean elf)
            throws IOException {
        List<String> texts = m.canaries().stream().map(Manifest.CanaryEntry::text).distinct().toList();
        Map<String, Long> found = scan.occurrences(texts);
        for (Manifest.CanaryEntry e : m.canaries()) {
            long n = found.getOrDefault(e.text(), 0L);
            boolean expectKept = e.keptAtD31() && !metadataDropped && !isPmem(e);
            if (isPmem(e)) {
                check(scope, "pmem canary absent: " + e.text(), n == 0, n + " occurrence(s) of a " + e.pageClass() + " canary");
            } else if (expectKept) {
                check(scope, "canary kept: " + e.text(), n > 0, n + " occurrence(s) of a " + e.pageClass() + " canary");
            } else if (!e.keptAtD31() && !elf) {
                check(scope, "canary absent: " + e.text(), n == 0, n + " occurrence(s) of a " + e.pageClass() + " canary");
            }
        }
    }

    private void checkDropMetadata(DumpCase c, int seed, Manifest m, Path vmcore, Path dir, PageBitmap kept31)
            throws IOException {
        DumpFormat f = dropCheckFormat();
        String scope = c + " seed " + seed + " " + f.label() + " -d 63";
        long t0 = System.nanoTime();
        FilterRun run = FilterRun.run(vmcore, f, DROP_METADATA, dir);
        time("filter -d 63", t0);
        if (run.exitCode() != 0) {
            fail(scope, "filter -d 63 completes", "exit " + run.exitCode() + ": " + lastLine(run.messages()));
            return;
        }
        try (DumpScan scan = DumpScan.open(run.dump())) {
            PageBitmap expected = kept31.copy();
            long metadataPages = 0;
            for (Manifest.MetadataRange r : m.pmemMetadata()) {
                expected.clearRange(r.startPfn(), Math.min(r.endPfn(), expected.size()));
                metadataPages += r.endPfn() - r.startPfn();
            }
            PageBitmap got = scan.readable();
            long extra = 0;
            long missing = 0;
            long n = Math.max(got.size(), expected.size());
            for (long pfn = 0; pfn < n; pfn++) {
                boolean g = pfn < got.size() && got.get(pfn);
                boolean e = pfn < expected.size() && expected.get(pfn);
                if (g && !e) {
                    extra++;
                } else if (e && !g) {
                    missing++;
                }
            }
            check(scope, "-d 0x20 drops exactly the metadata", extra == 0 && missing == 0,
                    metadataPages + " metadata pages dropped; " + extra + " page(s) kept that should not be, "
                            + missing + " other page(s) lost");
            check(scope, "pmem metadata pages counted", run.count("pmem_metadata_pages") == metadataPages,
                    "reported " + run.count("pmem_metadata_pages") + ", manifest " + metadataPages);
            checkCanaries(scope, m, scan, true, f == DumpFormat.ELF);
        }
        Files.deleteIfExists(run.dump());
    }

    /**
     * The format of the -d 63 comparison: a kdump-compressed one where requested, because its
     * bitmap says exactly which pages were kept; ELF output also drops runs of excluded pages only
     * from 256 pages on, so dropping metadata in RAM can move the boundary of a neighbouring run.
     */
    private DumpFormat dropCheckFormat() {
        return formats.stream().filter(f -> f != DumpFormat.ELF).findFirst().orElse(formats.get(0));
    }

    /**
     * Cases A and B: what an unpatched makedumpfile keeps of the same vmcore (all of pmem that is not
     * zero, user data and canaries included), next to pmemdump, which keeps none of it.
     */
    private void negativeControl(DumpCase c, int seed, Manifest m, Path vmcore, Path dir) throws IOException {
        String scope = c + " seed " + seed + " (negative control)";
        List<String> pmemCanaries = m.canaries().stream().filter(VerificationRun::isPmem)
                .map(Manifest.CanaryEntry::text).distinct().toList();
        FilterRun ours = FilterRun.run(vmcore, DumpFormat.ELF, KEEP_METADATA, dir);
        long ourHits = -1;
        if (ours.exitCode() == 0) {
            try (DumpScan scan = DumpScan.open(ours.dump())) {
                ourHits = scan.occurrences(pmemCanaries).values().stream().mapToLong(Long::longValue).sum();
            }
            Files.deleteIfExists(ours.dump());
        }
        check(scope, "pmemdump keeps no pmem user data", ourHits == 0,
                ourHits + " pmem canary occurrence(s) in pmemdump's -d 31 -E output");
        if (upstream == null) {
            return;
        }
        Path dump = dir.resolve("upstream-E-d31.elf");
        UpstreamMakedumpfile.Run r = upstream.run(vmcore, dump, "-E", "-d", "31");
        long upstreamHits = -1;
        if (r.exitCode() == 0) {
            try (DumpScan scan = DumpScan.open(dump)) {
                upstreamHits = scan.occurrences(pmemCanaries).values().stream().mapToLong(Long::longValue).sum();
            }
        }
        Files.deleteIfExists(dump);
        check(scope, "upstream makedumpfile would dump pmem user data", upstreamHits > 0,
                "makedumpfile 1.7.2 -d 31 -E kept " + upstreamHits + " pmem canary occurrence(s)"
                        + (pmemCanaries.isEmpty() ? " (the scenario plants no pmem canary)" : ""));
    }

    private void recordMap(DumpCase c, int seed, Manifest m, Path vmcore, DumpScan scan, FilterRun run)
            throws IOException {
        mapCase = c;
        List<ReportModel.Span> spans = new ArrayList<>();
        long pageSize = m.pageSize();
        List<ProgramHeader> loads;
        try (DumpInput in = DumpInput.open(vmcore)) {
            loads = new ArrayList<>(in.loads());
        }
        loads.sort((a, b) -> Long.compareUnsigned(a.paddr(), b.paddr()));
        long covered = 0;
        for (ProgramHeader ph : loads) {
            long start = Math.max(ph.paddr(), covered);
            long end = ph.paddr() + ph.memsz();
            if (end <= start) {
                continue;           // the kernel-text load repeats part of the direct map
            }
            long first = start / pageSize;
            long last = (end + pageSize - 1) / pageSize;
            SpanKind prev = null;
            long runStart = first;
            for (long pfn = first; pfn <= last; pfn++) {
                SpanKind k = pfn == last ? null : kind(ph.isPmem(), pfn, scan, m);
                if (k != prev) {
                    if (prev != null) {
                        spans.add(new ReportModel.Span(runStart * pageSize, pfn * pageSize, prev));
                    }
                    prev = k;
                    runStart = pfn;
                }
            }
            covered = last * pageSize;
        }
        mapSpans = spans.toArray(ReportModel.Span[]::new);
        List<ReportModel.RangeHash> hashes = new ArrayList<>();
        for (Manifest.MetadataRange r : m.pmemMetadata()) {
            hashes.add(new ReportModel.RangeHash(r.startPfn(), r.endPfn(), r.sha256(), scan.sha256(r.startPfn(), r.endPfn())));
        }
        mapHashes = hashes;
        mapCounts.clear();
        run.report().fields().forEachRemaining(e -> {
            if (e.getValue().isNumber()) {
                mapCounts.put(e.getKey().replace('_', ' '), e.getValue().asLong());
            }
        });
        mapTitle = "case " + c + ", seed " + seed + ", -d 31 " + dropCheckFormat().label();
    }

    private static SpanKind kind(boolean pmem, long pfn, DumpScan scan, Manifest m) {
        boolean kept = pfn < scan.readable().size() && scan.readable().get(pfn);
        if (pmem) {
            for (Manifest.MetadataRange r : m.pmemMetadata()) {
                if (pfn >= r.startPfn() && pfn < r.endPfn()) {
                    return kept ? SpanKind.PMEM_METADATA_KEPT : SpanKind.PMEM_METADATA_DROPPED;
                }
            }
            return kept ? SpanKind.PMEM_USERDATA_KEPT : SpanKind.PMEM_USERDATA_EXCLUDED;
        }
        return kept ? SpanKind.RAM_KEPT : SpanKind.RAM_EXCLUDED;
    }

    private static boolean isPmem(Manifest.CanaryEntry e) {
        return e.pageClass().toLowerCase(java.util.Locale.ROOT).contains("pmem");
    }

    /** Zero-filled pages of the manifest's metadata ranges that lie in pmem, read from the vmcore. */
    private static long metadataZeroPages(Path vmcore, Manifest m) throws IOException {
        long n = 0;
        try (DumpInput in = DumpInput.open(vmcore)) {
            int pageSize = in.source().pageSize();
            byte[] page = new byte[pageSize];
            byte[] zero = new byte[pageSize];
            for (Manifest.MetadataRange r : m.pmemMetadata()) {
                for (long pfn = r.startPfn(); pfn < r.endPfn(); pfn++) {
                    long pa = pfn * pageSize;
                    boolean inPmem = in.loads().stream().anyMatch(ph -> ph.isPmem() && ph.containsPhysical(pa));
                    if (inPmem) {
                        in.source().read(pfn, page);
                        if (java.util.Arrays.equals(page, zero)) {
                            n++;
                        }
                    }
                }
            }
        }
        return n;
    }

    private static Map<String, Long> counts(ExpectedReport.Counts c) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("zero", c.zero());
        m.put("non-private cache", c.nonPrivateCache());
        m.put("private cache", c.privateCache());
        m.put("user", c.user());
        m.put("free", c.free());
        return m;
    }

    /** The filter's counts of RAM pages: its zero count less the zero pages of pmem metadata. */
    private static Map<String, Long> ramCounts(FilterRun run, long metadataZero) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("zero", run.count("zero_pages") - metadataZero);
        m.put("non-private cache", run.count("non_private_cache_pages"));
        m.put("private cache", run.count("private_cache_pages"));
        m.put("user", run.count("user_pages"));
        m.put("free", run.count("free_pages"));
        return m;
    }

    private void check(String scope, String name, boolean passed, String detail) {
        checks.add(new Check(scope, name, passed, detail));
    }

    private void fail(String scope, String name, String detail) {
        check(scope, name, false, detail);
    }

    private void time(String step, long t0) {
        timingsMs.merge(step, (System.nanoTime() - t0) / 1e6, Double::sum);
    }

    static void deleteTree(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String lastLine(String text) {
        return text.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("");
    }
}
