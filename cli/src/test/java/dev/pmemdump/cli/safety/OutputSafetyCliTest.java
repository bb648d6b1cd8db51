package dev.pmemdump.cli.safety;

import dev.pmemdump.testing.OracleTest;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.Tools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue items 1-3 on the command line: devices kept, force required, inputs never outputs, all or nothing. */
@OracleTest
class OutputSafetyCliTest {
    @TempDir
    static Path shared;
    static Path vmcore;
    static String iomem;

    @TempDir
    Path dir;

    @BeforeAll
    static void inputs() {
        vmcore = Fixtures.unzstd("linux-6.1-qemu/kdump-file/vmcore.raw.zst");
        iomem = Fixtures.path("linux-6.1-qemu/kdump-file/first-kernel/34-iomem.txt").toString();
    }

    @Test
    void deviceNodeIsWrittenInPlaceByEveryWritingVerb() throws Exception {
        Path devNull = Cli.node(dir, "null", "c", "1", "3");
        String img = dir.resolve("pmem.img").toString();
        assertEquals(0, Cli.run("ndctl", "create-image", "-s", "64M", img).code());
        assertEquals(0, Cli.run("ndctl", "init-labels", "--image", img).code());
        String n = devNull.toString();
        for (List<String> verb : List.of(
                List.of("makedumpfile", "-f", "-l", "-d", "31", "--json-report", n, "--html-report", n,
                        vmcore.toString(), n),
                List.of("loadplan", "--iomem", iomem, "-o", n),
                List.of("notes", "extract", vmcore.toString(), "--note", "0", "-o", n),
                List.of("ndctl", "read-labels", "--image", img, "-o", n))) {
            Cli.Result r = Cli.run(verb.toArray(String[]::new));
            assertEquals(0, r.code(), verb + ": " + r.err());
            assertFalse(Files.isRegularFile(devNull), verb + " replaced the device node by a regular file");
        }
        assertEquals(List.of("null", "pmem.img"), Cli.names(dir), "no temp file left beside the device");
    }

    @Test
    void writingToAFullDeviceFails() throws Exception {
        Path full = Cli.node(dir, "full", "c", "1", "7");
        Cli.Result r = Cli.run("loadplan", "--iomem", iomem, "-o", full.toString());
        assertEquals(74, r.code(), r.err());
        assertEquals("loadplan: " + full + ": No space left on device\n", r.err());
        r = Cli.run("makedumpfile", "-f", "-l", "-d", "31", vmcore.toString(), full.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("No space left on device"), r.err());
    }

    @Test
    void existingDumpfileNeedsForceLikeMakedumpfile() throws Exception {
        Path out = Files.writeString(dir.resolve("dumpfile"), "keep me");
        Tools.Run real = Tools.run(List.of(Tools.require("makedumpfile").toString(), "-l", "-d", "31",
                vmcore.toString(), out.toString()), dir, 120);
        Cli.Result ours = Cli.run("makedumpfile", "-l", "-d", "31", vmcore.toString(), out.toString());
        assertEquals(1, real.exitCode());
        assertEquals(real.exitCode(), ours.code());
        String line = "check_dump_file: Can't open the dump file (" + out + "). File exists\n";
        assertEquals(line, real.stderr());
        assertTrue(ours.err().startsWith(line), ours.err());
        assertEquals("keep me", Files.readString(out));
        // a device node exists too: makedumpfile refuses it without -f
        Path devNull = Cli.node(dir, "null", "c", "1", "3");
        ours = Cli.run("makedumpfile", "-l", "-d", "31", vmcore.toString(), devNull.toString());
        assertEquals(1, ours.code());
        assertTrue(ours.err().startsWith("check_dump_file: Can't open the dump file (" + devNull + "). File exists\n"));
        // other writing verbs: their --force
        for (List<String> verb : List.of(List.of("loadplan", "--iomem", iomem, "-o", out.toString()),
                List.of("notes", "extract", vmcore.toString(), "--note", "0", "-o", out.toString()))) {
            Cli.Result r = Cli.run(verb.toArray(String[]::new));
            assertEquals(73, r.code(), verb + ": " + r.err());
            assertTrue(r.err().endsWith(out + ": File exists (--force replaces it)\n"), r.err());
            assertEquals("keep me", Files.readString(out));
        }
        assertEquals(0, Cli.run("loadplan", "--iomem", iomem, "-o", out.toString(), "--force").code());
        assertFalse(Files.readString(out, java.nio.charset.StandardCharsets.ISO_8859_1).equals("keep me"));
    }

    @Test
    void inputIsNeverReplacedByItsOwnOutput() throws Exception {
        Path in = dir.resolve("vmcore");
        Files.copy(vmcore, in);
        Path link = Files.createLink(dir.resolve("same-inode"), in);
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(in), 1 << 16);
        long size = Files.size(in);
        for (Path out : List.of(in, link)) {
            Cli.Result r = Cli.run("makedumpfile", "-f", "-l", "-d", "31", in.toString(), out.toString());
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().startsWith(out + ": is the input " + in + " (same device and inode)"), r.err());
        }
        Cli.Result r = Cli.run("loadplan", "--iomem", iomem, "-o", iomem, "--force");
        assertEquals(73, r.code(), r.err());
        assertEquals(size, Files.size(in));
        assertArrayEquals(head, java.util.Arrays.copyOf(Files.readAllBytes(in), 1 << 16));
        assertEquals(List.of("same-inode", "vmcore"), Cli.names(dir));
    }

    @Test
    void dumpAndReportAreAllOrNothing() throws Exception {
        Path small = Cli.smallFileSystem(dir, "64k");
        try {
            Files.write(small.resolve("filler"), new byte[64 << 10]);
            Path dump = dir.resolve("dump");
            Cli.Result r = Cli.run("makedumpfile", "-l", "-d", "31", "--json-report", small.resolve("r.json").toString(),
                    vmcore.toString(), dump.toString());
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().contains("No space left on device"), r.err());
            assertEquals(List.of("small-fs"), Cli.names(dir), "the dump appeared although its report failed");
            assertEquals(List.of("filler"), Cli.names(small));
            // --split: the second part cannot be written, so the first does not appear either
            r = Cli.run("makedumpfile", "--split", "-l", "-d", "31", vmcore.toString(), dir.resolve("part1").toString(),
                    small.resolve("part2").toString());
            assertEquals(1, r.code(), r.err());
            assertEquals(List.of("small-fs"), Cli.names(dir));
            assertEquals(List.of("filler"), Cli.names(small));
        } finally {
            Cli.unmount(small);
        }
    }
}
