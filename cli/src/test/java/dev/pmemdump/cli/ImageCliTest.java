package dev.pmemdump.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.pmemdump.images.Scenario;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void missingScenarioFileExits66() {
        Result r = run("image", "build", "--scenario", dir.resolve("nope.json").toString(), "--out", dir.toString());
        assertEquals(66, r.code(), r.err());
    }
}
