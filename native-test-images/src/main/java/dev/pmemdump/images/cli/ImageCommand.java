package dev.pmemdump.images.cli;

import dev.pmemdump.images.ImageBuilder;
import dev.pmemdump.images.Manifest;
import dev.pmemdump.images.Scenario;
import dev.pmemdump.io.OutputRules;
import dev.pmemdump.io.Progress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pmemdump image}: reproducible crash scenarios, from the first kernel's memory to /proc/vmcore. */
@Command(name = "image", mixinStandardHelpOptions = true,
        description = "Build test crash scenarios: first-kernel RAM and pmem images, /proc/vmcore, iomem, "
                + "elfcorehdr and a manifest of what a dump tool must find.",
        subcommands = {ImageCommand.Build.class, ImageCommand.ScenarioDump.class})
public final class ImageCommand {

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = "Build a scenario into DIR: ram.img, pmem<N>.img, vmcore, iomem, elfcorehdr, manifest.json.")
    static final class Build implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--scenario", paramLabel = "FILE", description = "scenario JSON (default: the built-in one)")
        Path scenario;

        @Option(names = "--seed", description = "override the scenario's seed")
        Long seed;

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "output directory (created)")
        Path out;

        @Option(names = {"-f", "--force"}, description = "replace the files of an earlier build in DIR")
        boolean force;

        @Override
        public Integer call() throws Exception {
            Scenario s;
            if (scenario == null) {
                s = Scenario.defaultScenario();
            } else {
                if (!Files.exists(scenario)) {
                    throw new NoSuchFileException(scenario.toString(), null, "no such scenario file");
                }
                s = Scenario.read(scenario);
            }
            if (seed != null) {
                s = s.withSeed(seed);
            }
            OutputRules rules = OutputRules.of(force, "--force").unsynced();
            Manifest m = ImageBuilder.build(s, out, Progress.onTerminal("building scenario"),
                    scenario == null ? rules : rules.notOver(scenario));
            var report = m.expectedReport();
            spec.commandLine().getOut().printf("built %s (seed %d): %d RAM pages, manifest %s%n", out, s.seed(),
                    m.pageClasses().values().stream().mapToLong(Long::longValue).sum(),
                    out.resolve(ImageBuilder.MANIFEST));
            if (report != null) {
                spec.commandLine().getOut().printf("expected makedumpfile -d 31 (-l): %s%n", report.eachPfnOnce());
            }
            return 0;
        }
    }

    @Command(name = "scenario", mixinStandardHelpOptions = true,
            description = "Print a scenario as JSON (--default: the built-in one) to start a new one from.")
    static final class ScenarioDump implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--default", required = true, description = "print the built-in default scenario")
        boolean builtIn;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(Scenario.defaultScenario().toJson());
            return 0;
        }
    }
}
