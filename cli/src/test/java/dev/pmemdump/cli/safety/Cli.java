package dev.pmemdump.cli.safety;

import dev.pmemdump.cli.Main;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs pmemdump in-process or in a child JVM, and makes scratch device nodes, FIFOs and small file systems. */
final class Cli {
    private Cli() {}

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** Runs with standard output on a stream whose every write fails, as a closed pipe does. */
    static Result runWithBrokenStdout(String... args) {
        StringWriter err = new StringWriter();
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        int code = Main.run(new PrintWriter(broken), new PrintWriter(err), args);
        return new Result(code, "", err.toString());
    }

    /** Starts {@code pmemdump ARGS} in a child JVM with standard output sent to {@code stdout}. */
    static Process child(File stdout, String... args) throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", cp, Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectOutput(stdout).redirectError(ProcessBuilder.Redirect.PIPE).start();
    }

    static Path node(Path dir, String name, String type, String major, String minor) throws Exception {
        Path p = dir.resolve(name);
        assumeTrue(exec("mknod", p.toString(), type, major, minor), "mknod not permitted here");
        return p;
    }

    static Path fifo(Path dir, String name) throws Exception {
        Path p = dir.resolve(name);
        assumeTrue(exec("mkfifo", p.toString()), "mkfifo not available");
        return p;
    }

    /** A tmpfs of {@code size} mounted at a new directory; the caller unmounts it with {@link #unmount}. */
    static Path smallFileSystem(Path dir, String size) throws Exception {
        Path mnt = Files.createDirectory(dir.resolve("small-fs"));
        assumeTrue(exec("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", mnt.toString()),
                "mounting a tmpfs is not permitted here");
        return mnt;
    }

    static void unmount(Path mnt) throws Exception {
        exec("umount", mnt.toString());
    }

    static boolean exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    static List<String> names(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
