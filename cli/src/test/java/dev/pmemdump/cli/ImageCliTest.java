package dev.pmemdump.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.pmemdump.images.Scenario;
import dev.pmemdump.testing.UnitTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@UnitTest
class ImageCliTest {
    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void defaultScenarioRoundTripsThroughJson() throws Exception {
        Result r = run("image", "scenario", "--default");
        assertEquals(0, r.code(), r.err());
        Path f = dir.resolve("s.json");
        Files.writeString(f, r.out());
        assertEquals(Scenario.defaultScenario(), Scenario.read(f));
    }

    @Test
    void badScenarioIsOneLineUsageErrorNamingTheFile() throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, Scenario.defaultScenario().toJson().replace("\"file\"", "\"teleport\""));
        Result r = run("image", "build", "--scenario", f.toString(), "--out", dir.resolve("o").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("bad.json") && r.err().contains("kexecMode"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(dir.resolve("o").resolve("ram.img")));
    }

    @Test
    void buildWritesEveryOutputAndTheManifest() throws Exception {
        Scenario d = Scenario.defaultScenario();
        Scenario small = new Scenario(d.kernelRelease(), 1,
                java.util.List.of(new Scenario.Range("0x100000", "0xff00000")), new Scenario.Range("0x8000000", "64M"),
                "0x2000000", "file", false, java.util.List.of(), d.pageMix(), d.canaries(), 9);
        Path f = dir.resolve("small.json");
        Files.writeString(f, small.toJson());
        Path out = dir.resolve("out");
        Result r = run("image", "build", "--scenario", f.toString(), "--seed", "10", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("(seed 10)"), r.out());
        for (String name : java.util.List.of("ram.img", "vmcore", "elfcorehdr", "iomem", "vmcoreinfo.txt",
                "kmemdump.core", "manifest.json")) {
            assertTrue(Files.size(out.resolve(name)) > 0, name);
        }
        try (var files = Files.list(out)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".partial")));
        }
        dev.pmemdump.images.Manifest m = dev.pmemdump.images.Manifest.read(out.resolve("manifest.json"));
        assertEquals(10, m.seed());
        assertTrue(m.expectedReport().eachPfnOnce().free() > 0);
        assertTrue(Files.readString(out.resolve("iomem")).contains(" : Crash kernel\n"));
    }

    @Test
    void missingScenarioFileExits66() {
        Result r = run("image", "build", "--scenario", dir.resolve("nope.json").toString(), "--out", dir.toString());
        assertEquals(66, r.code(), r.err());
    }
}
