package dev.pmemdump.io;

import dev.pmemdump.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A synced output starts its writeback while it grows through a descriptor of its own, which is
 * closed when the output is committed or discarded; the bytes are those written.
 */
@UnitTest
class WritebackTest {
    private static final int MIB = 1 << 20;

    @Test
    void descriptorOpensAsTheOutputGrowsAndClosesOnCommit(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("dump");
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (AtomicOutput o = AtomicOutput.create(target, OutputRules.of(false, "-f"))) {
            Path temp = o.tempPath();
            byte[] chunk = new byte[MIB];
            for (int i = 0; i < 2 * Writeback.STEP_MIB + 1; i++) {
                chunk[0] = (byte) i;
                o.writeAll(MemorySegment.ofArray(chunk));
                md.update(chunk);
                o.wrote(chunk.length);
                if (i == Writeback.STEP_MIB - 2) {
                    assertEquals(1, descriptorsOf(temp), "only the channel's descriptor before the first step");
                }
            }
            assertEquals(2, descriptorsOf(temp), "the channel's and writeback's own");
            o.commit();
            assertEquals(0, descriptorsOf(temp) + descriptorsOf(target));
        }
        assertEquals(HexFormat.of().formatHex(md.digest()), sha256(target));
    }

    @Test
    void discardedOutputLeavesNoDescriptorAndNoFile(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("dump");
        Path temp;
        try (AtomicOutput o = AtomicOutput.create(target, OutputRules.of(false, "-f"))) {
            temp = o.tempPath();
            o.writeAll(MemorySegment.ofArray(new byte[Writeback.STEP_MIB * MIB]));
            o.wrote((long) Writeback.STEP_MIB * MIB);
            assertEquals(2, descriptorsOf(temp));
        }
        assertEquals(0, descriptorsOf(temp));
        assertFalse(Files.exists(temp) || Files.exists(target));
    }

    /** Unsynced outputs (regenerable files) are not written back early: no second descriptor. */
    @Test
    void unsyncedOutputOpensNothing(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("image");
        try (AtomicOutput o = AtomicOutput.create(target, OutputRules.of(false, "-f").unsynced())) {
            o.writeAll(MemorySegment.ofArray(new byte[Writeback.STEP_MIB * MIB]));
            o.wrote((long) Writeback.STEP_MIB * MIB);
            assertEquals(1, descriptorsOf(o.tempPath()));
            o.commit();
        }
        assertTrue(Files.size(target) == (long) Writeback.STEP_MIB * MIB);
    }

    private static long descriptorsOf(Path file) throws IOException {
        Path real = file.toAbsolutePath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(real);
                } catch (IOException e) {
                    return false; // closed while listed
                }
            }).count();
        }
    }

    private static String sha256(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(p)) {
            byte[] b = new byte[MIB];
            for (int n; (n = in.read(b)) > 0; ) {
                md.update(b, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
