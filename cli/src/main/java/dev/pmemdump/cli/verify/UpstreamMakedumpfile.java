package dev.pmemdump.cli.verify;

import dev.pmemdump.filter.level.PageCounter;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real makedumpfile (Debian's 1.7.2), run as an independent oracle on the same vmcore: its
 * RAM page counts must equal ours, and as the negative control it shows what an unpatched
 * makedumpfile keeps of pmem.
 */
final class UpstreamMakedumpfile {
    /** A counter line of the printed report, by makedumpfile's label (the counters it prints). */
    private static final Pattern COUNT = Pattern.compile("^\\s*(" + String.join("|", Arrays.stream(PageCounter.values())
            .filter(PageCounter::upstream).map(c -> Pattern.quote(c.label())).toList())
            + ")\\s*:\\s*0x([0-9a-fA-F]+)", Pattern.MULTILINE);

    private final Path tool;

    private UpstreamMakedumpfile(Path tool) {
        this.tool = tool;
    }

    /** The installed makedumpfile, if any. */
    static UpstreamMakedumpfile find() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/bin:/sbin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "makedumpfile");
            if (Files.isExecutable(p)) {
                return new UpstreamMakedumpfile(p);
            }
        }
        return null;
    }

    /** Result of one run: exit status, printed report, and the counts read from it by label. */
    record Run(int exitCode, String output, Map<PageCounter, Long> counts) {}

    Run run(Path vmcore, Path dump, String... options) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(tool.toString()));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of("--message-level", "31", vmcore.toString(), dump.toString()));
        Files.deleteIfExists(dump);
        Path log = Files.createTempFile(dump.getParent(), "makedumpfile", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(tool + " did not finish in 600 s on " + vmcore);
            }
            String out = Files.readString(log, StandardCharsets.ISO_8859_1);
            return new Run(p.exitValue(), out, counts(out));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + tool, e);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    static Map<PageCounter, Long> counts(String report) {
        Map<PageCounter, Long> m = new EnumMap<>(PageCounter.class);
        Matcher x = COUNT.matcher(report);
        while (x.find()) {
            for (PageCounter c : PageCounter.values()) {
                if (c.label().equals(x.group(1))) {
                    m.put(c, Long.parseUnsignedLong(x.group(2), 16));
                }
            }
        }
        return m;
    }
}
