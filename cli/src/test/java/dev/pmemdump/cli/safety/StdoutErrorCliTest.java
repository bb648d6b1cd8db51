package dev.pmemdump.cli.safety;

import dev.pmemdump.testing.UnitTest;
import dev.pmemdump.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue item 4: a failed write to standard output is an error with a non-zero exit, for every verb that prints. */
@UnitTest
class StdoutErrorCliTest {
    @TempDir
    Path dir;

    @Test
    void everyPrintingVerbFailsOnABrokenStdout() {
        String vmcore = Fixtures.unzstd("linux-6.1-qemu/kdump-file/vmcore.raw.zst").toString();
        String img = dir.resolve("pmem.img").toString();
        assertEquals(0, Cli.run("ndctl", "create-image", "-s", "64M", img).code());
        assertEquals(0, Cli.run("ndctl", "init-labels", "--image", img).code());
        String iomem = Fixtures.path("linux-6.1-qemu/kdump-file/first-kernel/34-iomem.txt").toString();
        for (List<String> verb : List.of(
                List.of("vmcoreinfo", "show", vmcore),
                List.of("notes", "list", vmcore),
                List.of("ndctl", "list", "-R", "--image", img),
                List.of("loadplan", "--iomem", iomem),
                List.of("image", "scenario", "--default"))) {
            assertEquals(0, Cli.run(verb.toArray(String[]::new)).code(), verb + " works with a good stdout");
            Cli.Result r = Cli.runWithBrokenStdout(verb.toArray(String[]::new));
            assertEquals(74, r.code(), verb + ": " + r.err());
            assertEquals("pmemdump: standard output: write error (closed pipe or device full)\n", r.err(),
                    verb.toString());
        }
    }

    @Test
    void devFullAsStdoutFails() throws Exception {
        Process p = Cli.child(new File("/dev/full"), "image", "scenario", "--default");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String err = new String(p.getErrorStream().readAllBytes());
        assertEquals(74, p.exitValue(), err);
        assertTrue(err.contains("standard output: write error"), err);
    }
}
