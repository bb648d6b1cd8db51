package dev.pmemdump.cli.structure;

import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.FixtureTest;
import dev.pmemdump.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The tool run from the module path (every module's descriptor resolved, native access granted only
 * to the three modules that call native code: io, pmem, and filter for liblzo2) prints exactly what
 * the class-path run prints. This catches a missing {@code requires}, a package picocli or Jackson
 * cannot reach, or native access the descriptors forgot, which the class-path tests cannot see.
 */
@FixtureTest
class ModulePathLaunchTest {
    @TempDir
    Path dir;

    @Test
    void verbsPrintTheSameFromTheModulePath() throws IOException {
        Path vmcore = Fixtures.unzstd("linux-6.1-qemu/kdump-file/vmcore.raw.zst");
        Path iomem = Fixtures.path("linux-6.1-qemu/nvdimm-labels-v1.1/iomem-after.txt");
        List<List<String>> verbs = List.of(
                List.of("--version"),
                List.of("image", "scenario", "--default"),
                List.of("vmcoreinfo", "show", vmcore.toString(), "--json"),
                List.of("notes", "list", vmcore.toString(), "--json"),
                List.of("loadplan", "--iomem", iomem.toString(), "--crashkernel", "256M", "--json"));
        for (List<String> verb : verbs) {
            Tools.Run mp = run(true, verb);
            Tools.Run cp = run(false, verb);
            assertEquals(0, mp.exitCode(), () -> verb + " from the module path: " + mp.stderr());
            assertEquals(cp.stdout(), mp.stdout(), verb.toString());
            assertFalse(mp.stderr().contains("WARNING"), () -> verb + ": " + mp.stderr());
        }
        // One filter run: aircompressor, the JSON report (Jackson on the filter's records), sparse output.
        Path mpDump = dir.resolve("mp.l31"), cpDump = dir.resolve("cp.l31");
        Tools.Run mp = run(true, List.of("makedumpfile", "-l", "-d", "31", "--json-report",
                dir.resolve("mp.json").toString(), vmcore.toString(), mpDump.toString()));
        Tools.Run cp = run(false, List.of("makedumpfile", "-l", "-d", "31", "--json-report",
                dir.resolve("cp.json").toString(), vmcore.toString(), cpDump.toString()));
        assertEquals(0, mp.exitCode(), mp::stderr);
        assertEquals(cp.exitCode(), mp.exitCode());
        assertFalse(mp.stderr().contains("WARNING"), mp::stderr);
        assertArrayEquals(Files.readAllBytes(cpDump), Files.readAllBytes(mpDump));
        // the same report but for the output it names
        assertEquals(Files.readString(dir.resolve("cp.json")).replace(cpDump.toString(), mpDump.toString()),
                Files.readString(dir.resolve("mp.json")));
    }

    private Tools.Run run(boolean modulePath, List<String> args) {
        List<String> path = ToolJvm.classPath();
        List<String> cmd = ToolJvm.java();
        if (modulePath) {
            cmd.addAll(List.of("--enable-native-access=dev.pmemdump.io,dev.pmemdump.pmem,dev.pmemdump.filter", "-p",
                    String.join(File.pathSeparator, path), "-m", "dev.pmemdump.cli/dev.pmemdump.cli.Main"));
        } else {
            cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", String.join(File.pathSeparator, path),
                    "dev.pmemdump.cli.Main"));
        }
        cmd.addAll(args);
        return Tools.run(cmd, dir, 300);
    }
}
