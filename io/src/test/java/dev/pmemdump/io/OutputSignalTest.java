package dev.pmemdump.io;

import dev.pmemdump.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Issue items 3 and 10: a signalled run leaves no temp file; a SIGKILLed one's temp is cleaned by the next run. */
@UnitTest
class OutputSignalTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT", "HUP"})
    void signalRemovesTempFile(String signal) throws Exception {
        Path target = dir.resolve("dump");
        Process p = holdOutput(target);
        Path temp = tempOf(p);
        assertTrue(Files.exists(temp), "temp file beside the target while writing");
        assertEquals(dir, temp.getParent());
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "child did not exit on SIG" + signal);
        assertFalse(Files.exists(temp), "SIG" + signal + " left " + temp);
        assertFalse(Files.exists(target));
    }

    @Test
    void staleTempOfSigkilledRunIsRemovedByTheNextRun() throws Exception {
        Path target = dir.resolve("dump");
        Process p = holdOutput(target);
        Path temp = tempOf(p);
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertTrue(Files.exists(temp), "SIGKILL cannot clean up");
        assertTrue(temp.getFileName().toString().matches("\\.dump\\.pmemdump-" + p.pid() + "-\\d+\\.partial"),
                temp.getFileName().toString());
        Path other = dir.resolve("other");
        AtomicOutput.write(other, OutputRules.of(false, "-f"), new byte[] {1});
        assertTrue(Files.exists(temp), "another target's run leaves it alone");
        AtomicOutput.write(target, OutputRules.of(false, "-f"), new byte[] {2});
        assertFalse(Files.exists(temp), "the next run on the same target removes the stale temp");
        assertArrayEquals(new byte[] {2}, Files.readAllBytes(target));
    }

    private Process holdOutput(Path target) throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(java, "-cp", cp, HoldOutput.class.getName(), target.toString()))
                .redirectErrorStream(true).start();
    }

    private static Path tempOf(Process p) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()));
        String line = r.readLine();
        assertNotNull(line, "child printed nothing");
        return Path.of(line);
    }
}
