package dev.pmemdump.cli.structure;

import dev.pmemdump.testing.FixtureTest;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a capture runs starts without building pmemdump's verbs: {@code makedumpfile} (its version,
 * mkdumprd's check and a filter run on the real vmcore) and {@code --version} load no picocli or
 * Jackson class, and a successful run ends without System.exit's logger (the JVM's class loading log
 * of a real run is the witness).
 */
@FixtureTest
class StartupClassesTest {
    @TempDir
    Path dir;

    @Test
    void makedumpfileAndVersionLoadNeitherPicocliNorJackson() throws IOException {
        Path vmcore = Fixtures.unzstd("linux-6.1-qemu/kdump-file/vmcore.raw.zst");
        List<List<String>> commandLines = List.of(
                List.of("--version"),
                List.of("makedumpfile", "-v"),
                List.of("makedumpfile", "--check-params", "-l", "--message-level", "7", "-d", "31", "vmcore", "dump"),
                List.of("makedumpfile", "-l", "-d", "31", vmcore.toString(), dir.resolve("dump.l31").toString()));
        int n = 0;
        for (List<String> args : commandLines) {
            Path log = dir.resolve("classes-" + n++ + ".log");
            List<String> cmd = ToolJvm.java();
            cmd.addAll(List.of("-Xlog:class+load=info:file=" + log, "--enable-native-access=ALL-UNNAMED", "-cp",
                    String.join(File.pathSeparator, ToolJvm.classPath()), "dev.pmemdump.cli.Main"));
            cmd.addAll(args);
            Tools.Run r = Tools.run(cmd, dir, 300);
            assertEquals(0, r.exitCode(), () -> args + ": " + r.stderr());
            List<String> loaded = loadedClasses(log);
            assertTrue(loaded.contains("dev.pmemdump.cli.Main"), args + ": the log names the classes loaded");
            for (String prefix : List.of("picocli.", "com.fasterxml.jackson.", "jdk.internal.logger.")) {
                List<String> found = loaded.stream().filter(c -> c.startsWith(prefix)).toList();
                assertEquals(List.of(), found.subList(0, Math.min(5, found.size())), args + " loads " + prefix + "*");
            }
        }
        assertTrue(Files.size(dir.resolve("dump.l31")) > 0, "the filter run wrote its dump");
    }

    /** The class names of a -Xlog:class+load log: "[...][info][class,load] NAME source: ...". */
    private static List<String> loadedClasses(Path log) throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            int tag = line.indexOf("[class,load] ");
            if (tag >= 0) {
                String rest = line.substring(tag + "[class,load] ".length());
                int space = rest.indexOf(' ');
                names.add(space < 0 ? rest : rest.substring(0, space));
            }
        }
        return names;
    }
}
