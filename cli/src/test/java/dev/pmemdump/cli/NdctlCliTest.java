package dev.pmemdump.cli;

import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.FixtureTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pmemdump ndctl ...} through the real entry point: output, one-line errors, exit codes. */
@FixtureTest
class NdctlCliTest {
    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int rc = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(rc, out.toString(), err.toString());
    }

    @Test
    void listsTheFixtureLikeNdctl() {
        Path img = Fixtures.unzstd("linux-6.1-qemu/nvdimm-labels-v1.1/nvdimm.img.zst");
        Run r = run("ndctl", "list", "-N", "-v", "--image", img.toString());
        assertEquals(0, r.exit(), r.err());
        String recorded = Fixtures.text("linux-6.1-qemu/nvdimm-labels-v1.1/20-list-N-v.json");
        String body = recorded.substring(recorded.indexOf('\n') + 1, recorded.lastIndexOf("[rc=0]"));
        assertEquals(body, r.out());
    }

    @Test
    void buildAndErrors(@TempDir Path dir) throws Exception {
        String img = dir.resolve("x.img").toString();
        assertEquals(0, run("ndctl", "create-image", "-s", "256M", img).exit());
        assertEquals(0, run("ndctl", "init-labels", "--image", img).exit());
        Run c = run("ndctl", "create-namespace", "-m", "fsdax", "--map=mem", "-s", "64M", "--image", img);
        assertEquals(0, c.exit(), c.err());
        assertTrue(c.out().contains("\"size\":65011712"), c.out());
        Run bad = run("ndctl", "create-namespace", "-m", "raw", "--map=dev", "--image", img);
        assertEquals(2, bad.exit());
        assertEquals("create-namespace: --map only valid for fsdax or devdax mode", bad.err().strip());
        Run missing = run("ndctl", "list", "--image", dir.resolve("nope.img").toString());
        assertEquals(66, missing.exit());
        // Damage the pfn info block: exit 65, one line naming file and offset.
        try (FileChannel ch = FileChannel.open(Path.of(img), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1}), 0x1100);
        }
        Run corrupt = run("ndctl", "list", "--image", img);
        assertEquals(65, corrupt.exit());
        assertEquals(1, corrupt.err().lines().count(), corrupt.err());
        assertTrue(corrupt.err().startsWith("list: " + img + ": offset 0x1ff8: pfn info block checksum mismatch"),
                corrupt.err());
    }
}
