package dev.pmemdump.cli.verify;

import dev.pmemdump.images.ImageBuilder;
import dev.pmemdump.images.Manifest;
import dev.pmemdump.images.Scenario;
import dev.pmemdump.io.Progress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The RFC authors' test, done for every case, seed and format: build the scenario (first kernel,
 * panic-time manifest, /proc/vmcore), filter it, read the dump back and compare with the manifest
 * and with the real makedumpfile. Each scenario's vmcore is opened once for all its filter runs.
 */
final class VerificationRun {
    private final Scenario base;
    private final List<DumpCase> cases;
    private final int seeds;
    final List<DumpFormat> formats;
    private final Path work;
    final UpstreamMakedumpfile upstream;
    final Libkdumpfile libkdumpfile;
    private final Progress progress;

    /** Changes a finished dump before it is read back; tests use it to prove the checks can fail. */
    interface Tamper {
        void apply(DumpFormat format, Path dump, Manifest manifest) throws IOException;
    }

    Tamper tamper = (format, dump, manifest) -> { };
    /** Keep each scenario's images, vmcore and dumps (when the user named the work directory). */
    boolean keepBuilds;
    final CheckLog log = new CheckLog();
    final StepTimes times = new StepTimes();
    /** What the HTML page shows: the first filtered build, or case D's where it runs. */
    VerifyMap map;

    VerificationRun(Scenario base, List<DumpCase> cases, int seeds, List<DumpFormat> formats, Path work,
                    UpstreamMakedumpfile upstream, Libkdumpfile libkdumpfile, Progress progress) {
        this.base = base;
        this.cases = cases;
        this.seeds = seeds;
        this.formats = formats;
        this.work = work;
        this.upstream = upstream;
        this.libkdumpfile = libkdumpfile;
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
                times.add("build scenario", t0);
                t0 = System.nanoTime();
                try (ScenarioVmcore vmcore = ScenarioVmcore.open(dir.resolve(ImageBuilder.VMCORE), manifest)) {
                    times.add("open vmcore", t0);
                    if (cases.contains(build)) {
                        new ScenarioVerification(this, build, seed, manifest, vmcore, dir).check(this::wantsMap);
                    }
                    for (DumpCase c : cases) {
                        if (c.negativeControl() && c.filtered() == build) {
                            long t1 = System.nanoTime();
                            NegativeControl.run(log, c + " seed " + seed + " (negative control)", manifest, vmcore,
                                    dir, upstream);
                            times.add("negative control", t1);
                        }
                    }
                }
                if (!keepBuilds) {
                    t0 = System.nanoTime();
                    deleteTree(dir);        // a build is ~1 GiB of disk: keep one at a time
                    times.add("delete build", t0);
                }
                progress.update(++done, steps);
            }
        }
        progress.finish();
    }

    List<Check> checks() {
        return log.all();
    }

    /** The map shows case D where it runs: metadata on the device is the point. */
    private boolean wantsMap(DumpCase c) {
        return map == null || (c == DumpCase.D && map.dumpCase() != DumpCase.D);
    }

    /**
     * The format of the -d 63 comparison (and of libkdumpfile's reading): a kdump-compressed one where
     * requested, because its bitmap says exactly which pages were kept; ELF output also drops runs of
     * excluded pages only from 256 pages on, so dropping metadata in RAM can move the boundary of a
     * neighbouring run.
     */
    DumpFormat dropCheckFormat() {
        return formats.stream().filter(f -> f != DumpFormat.ELF).findFirst().orElse(formats.get(0));
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
