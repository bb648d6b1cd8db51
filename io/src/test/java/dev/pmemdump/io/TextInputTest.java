package dev.pmemdump.io;

import dev.pmemdump.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Issue items 5 and 7: bounded, strict text inputs; directories and FIFOs named, never blocking. */
@UnitTest
class TextInputTest {
    @TempDir
    Path dir;

    @Test
    void endlessDeviceStopsAtTheBound() {
        CorruptInputException e = assertThrows(CorruptInputException.class,
                () -> TextInput.read(Path.of("/dev/zero"), 1 << 16, "a /proc/iomem listing"));
        assertEquals("/dev/zero: line 1: longer than 65536 bytes, the most a /proc/iomem listing can be",
                e.getMessage());
    }

    @Test
    void nonUtf8NamesFileAndLine() throws Exception {
        Path f = Files.write(dir.resolve("iomem"), new byte[] {'a', '\n', 'b', '\n', 'c', (byte) 0xff, '\n'});
        CorruptInputException e = assertThrows(CorruptInputException.class,
                () -> TextInput.read(f, 4096, "a /proc/iomem listing"));
        assertEquals(f + ": offset 0x5: line 3: not UTF-8 text", e.getMessage());
        Files.writeString(f, "ok\n\u00e9\n");
        assertEquals("ok\n\u00e9\n", TextInput.read(f, 4096, "x"));
    }

    @Test
    void directoryAndFifoAreRefusedByName() throws Exception {
        InputRefusedException e = assertThrows(InputRefusedException.class, () -> TextInput.read(dir, 10, "x"));
        assertEquals(dir + ": is a directory, not a file", e.getMessage());
        e = assertThrows(InputRefusedException.class, () -> MappedImage.open(dir, MappedImage.Access.READ_ONLY));
        assertEquals(dir + ": is a directory, not a file", e.getMessage());
        Path fifo = dir.resolve("fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo not available");
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> {
            assertThrows(InputRefusedException.class, () -> TextInput.read(fifo, 10, "x"));
            assertThrows(InputRefusedException.class, () -> MappedImage.open(fifo, MappedImage.Access.READ_ONLY));
        });
    }
}
