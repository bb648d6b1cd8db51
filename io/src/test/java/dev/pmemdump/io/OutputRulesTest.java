package dev.pmemdump.io;

import dev.pmemdump.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Issue items 1-3: what an output may replace, and all-or-nothing for several. */
@UnitTest
class OutputRulesTest {
    private static final OutputRules NO_FORCE = OutputRules.of(false, "-f");
    private static final OutputRules FORCE = OutputRules.of(true, "-f");

    @TempDir
    Path dir;

    @Test
    void characterDeviceIsWrittenInPlaceNeverReplaced() throws Exception {
        Path devNull = node("null", "c", "1", "3");
        AtomicOutput.write(devNull, FORCE, new byte[30000]);
        assertFalse(Files.isRegularFile(devNull), "the device node was replaced by a regular file");
        assertEquals(List.of(devNull), listing(), "no temp file left");
    }

    @Test
    void writeToFullDeviceFails() throws Exception {
        Path devFull = node("full", "c", "1", "7");
        IOException e = assertThrows(IOException.class, () -> AtomicOutput.write(devFull, FORCE, new byte[4096]));
        assertTrue(e.getMessage().startsWith(devFull + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        assertFalse(Files.isRegularFile(devFull));
    }

    @Test
    void fifoIsWrittenInPlace() throws Exception {
        Path fifo = dir.resolve("fifo");
        assumeTrue(run("mkfifo", fifo.toString()), "mkfifo not available");
        Process reader = new ProcessBuilder("cat", fifo.toString()).start();
        AtomicOutput.write(fifo, FORCE, "through the pipe".getBytes());
        assertTrue(reader.waitFor(10, TimeUnit.SECONDS));
        assertEquals("through the pipe", new String(reader.getInputStream().readAllBytes()));
        assertFalse(Files.isRegularFile(fifo));
    }

    @Test
    void blockDeviceDirectoryAreRefused() throws Exception {
        Path block = node("loop", "b", "7", "200");
        OutputRefusedException e = assertThrows(OutputRefusedException.class,
                () -> AtomicOutput.write(block, FORCE, new byte[1]));
        assertEquals(OutputRefusedException.Reason.NOT_A_FILE, e.reason());
        Path sub = Files.createDirectory(dir.resolve("sub"));
        e = assertThrows(OutputRefusedException.class, () -> AtomicOutput.write(sub, FORCE, new byte[1]));
        assertEquals(sub + ": is a directory", e.getMessage());
    }

    @Test
    void existingFileNeedsForce() throws Exception {
        Path out = Files.write(dir.resolve("dump"), new byte[] {7});
        OutputRefusedException e = assertThrows(OutputRefusedException.class,
                () -> AtomicOutput.write(out, NO_FORCE, new byte[] {1}));
        assertEquals(OutputRefusedException.Reason.EXISTS, e.reason());
        assertEquals(out + ": File exists (-f replaces it)", e.getMessage());
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(out));
        AtomicOutput.write(out, FORCE, new byte[] {1});
        assertArrayEquals(new byte[] {1}, Files.readAllBytes(out));
        assertEquals(List.of(out), listing());
    }

    @Test
    void inputIsNeverTheOutputEvenUnderAnotherName() throws Exception {
        Path in = Files.write(dir.resolve("vmcore"), new byte[] {7});
        Path link = Files.createLink(dir.resolve("alias"), in);
        OutputRules rules = FORCE.notOver(in);
        for (Path out : List.of(in, link, dir.resolve(".").resolve("vmcore"))) {
            OutputRefusedException e = assertThrows(OutputRefusedException.class,
                    () -> AtomicOutput.write(out, rules, new byte[] {1}));
            assertEquals(OutputRefusedException.Reason.SAME_AS_INPUT, e.reason());
        }
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(in));
    }

    @Test
    void symlinkToFileReplacesTheFileNotTheLink() throws Exception {
        Path real = Files.write(dir.resolve("real"), new byte[] {7});
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        AtomicOutput.write(link, FORCE, new byte[] {1});
        assertTrue(Files.isSymbolicLink(link));
        assertArrayEquals(new byte[] {1}, Files.readAllBytes(real));
    }

    @Test
    void setPublishesAllOrNothing() throws Exception {
        Path a = dir.resolve("dump");
        Path b = dir.resolve("report.json");
        try (OutputSet set = new OutputSet(NO_FORCE)) {
            set.write(a, new byte[] {1});
            assertFalse(Files.exists(a), "a member appears only when the set commits");
            try (AtomicOutput o = set.create(b)) {
                o.writeAll(MemorySegment.ofArray(new byte[] {2}));
                // fails before commit: nothing is published
            }
        }
        assertFalse(Files.exists(a));
        assertFalse(Files.exists(b));
        assertEquals(List.of(), listing());
        try (OutputSet set = new OutputSet(NO_FORCE)) {
            set.write(a, new byte[] {1});
            set.write(b, new byte[] {2});
            OutputRefusedException e = assertThrows(OutputRefusedException.class, () -> set.create(dir.resolve("x/../dump")));
            assertEquals(OutputRefusedException.Reason.DUPLICATE, e.reason());
            set.commit();
        }
        assertArrayEquals(new byte[] {1}, Files.readAllBytes(a));
        assertArrayEquals(new byte[] {2}, Files.readAllBytes(b));
    }

    @Test
    void fullFileSystemLeavesNoOutputAndNoTemp() throws Exception {
        Path mnt = Files.createDirectory(dir.resolve("small"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt.toString()),
                "mounting a tmpfs is not permitted here");
        try {
            Path dump = mnt.resolve("dump");
            Path report = mnt.resolve("report.json");
            IOException e = assertThrows(IOException.class, () -> {
                try (OutputSet set = new OutputSet(NO_FORCE)) {
                    set.write(report, new byte[1000]);
                    set.write(dump, new byte[1 << 20]);
                    set.commit();
                }
            });
            assertTrue(e.getMessage().startsWith(dump + ": "), e.getMessage());
            try (var s = Files.list(mnt)) {
                assertEquals(List.of(), s.toList(), "a full disk left files behind");
            }
        } finally {
            run("umount", mnt.toString());
        }
    }

    private Path node(String name, String type, String major, String minor) throws Exception {
        Path p = dir.resolve(name);
        assumeTrue(run("mknod", p.toString(), type, major, minor), "mknod not permitted here");
        return p;
    }

    private List<Path> listing() throws IOException {
        try (var s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private static boolean run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }
}
