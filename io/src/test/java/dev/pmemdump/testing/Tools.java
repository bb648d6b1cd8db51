package dev.pmemdump.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real tools as test oracles (readelf, makedumpfile, crash, drgn, ndctl, qemu). A test that needs
 * one calls {@link #require}: where the tool is missing the test is skipped with the reason, except
 * under {@code -Dpmemdump.requireTools=true} (what .ci/run sets), where a missing tool fails it.
 */
public final class Tools {
    private Tools() {}

    /** Result of running a tool. */
    public record Run(int exitCode, String stdout, String stderr) {
        public Run assertOk() {
            Assertions.assertEquals(0, exitCode, () -> "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
            return this;
        }
    }

    public static boolean strict() {
        return Boolean.getBoolean("pmemdump.requireTools");
    }

    /** Path of {@code name} on PATH (or /usr/sbin, /sbin), or skip/fail the test. */
    public static Path require(String name) {
        Path p = find(name);
        if (p == null) {
            String why = name + " is not installed (apt-get install it, as .ci/run does)";
            if (strict()) {
                Assertions.fail(why);
            }
            Assumptions.abort(why);
        }
        return p;
    }

    /**
     * Debian's own Python, where python3-drgn and python3-libkdumpfile install (a python3 earlier
     * on PATH, such as a pyenv one, does not see them). Skips or fails unless {@code module} imports.
     */
    public static Path requirePython(String module) {
        Path py = Path.of("/usr/bin/python3");
        if (!Files.isExecutable(py)) {
            py = require("python3");
        }
        Run r = run(List.of(py.toString(), "-c", "import " + module), null, 60);
        if (r.exitCode() != 0) {
            String why = "python3 module " + module + " is not installed";
            if (strict()) {
                Assertions.fail(why);
            }
            Assumptions.abort(why);
        }
        return py;
    }

    public static Path find(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Runs a command, capturing output; fails the test on a timeout. */
    public static Run run(List<String> command, Path workDir, long timeoutSeconds) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            if (workDir != null) {
                pb.directory(workDir.toFile());
            }
            Path out = Files.createTempFile("tool", ".out");
            Path err = Files.createTempFile("tool", ".err");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                Assertions.fail(command + " did not finish in " + timeoutSeconds + " s");
            }
            Run r = new Run(p.exitValue(), new String(Files.readAllBytes(out), StandardCharsets.UTF_8),
                    new String(Files.readAllBytes(err), StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return r;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
