package dev.pmemdump.pmem.cli;

import dev.pmemdump.testing.OracleTest;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The verbs ndctl 76 has and an image can serve: the real ndctl is the oracle wherever it runs
 * without a kernel bus (version, unknown verbs, the file forms of read-infoblock and
 * write-infoblock, list's option checks); the label verbs are checked against a recorded label
 * area and what read-labels recorded for it.
 */
@OracleTest
class NdctlVerbsTest {
    private static final String KDUMP = "linux-6.1-qemu/kdump-file/first-kernel/";
    private static final String UUID = "42e1d574-76ac-402c-9132-5436e31528c0";

    private static Tools.Run ndctl(Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Tools.require("ndctl").toString()));
        cmd.addAll(List.of(args));
        return Tools.run(cmd, dir, 30);
    }

    private static void assertSame(Tools.Run theirs, Ndctl.Result ours, String what) {
        assertEquals(theirs.exitCode(), ours.exit(), what + ": exit status; stderr " + ours.err());
        assertEquals(theirs.stdout(), ours.out(), what + ": stdout");
        assertEquals(theirs.stderr(), ours.err(), what + ": stderr");
    }

    @Test
    void versionAndUnknownVerbsAreNdctls(@TempDir Path dir) {
        assertSame(ndctl(dir, "--version"), Ndctl.run("--version"), "--version");
        assertSame(ndctl(dir, "version"), Ndctl.run("version"), "version");
        assertSame(ndctl(dir, "foo"), Ndctl.run("foo"), "unknown verb");
        Ndctl.Result busOnly = Ndctl.run("enable-region", "region0");
        assertEquals(1, busOnly.exit());
        assertEquals("ndctl enable-region: needs a kernel nvdimm bus; an image has none\n", busOnly.err());
    }

    @Test
    void everyVerbHasHelpWithoutAnImage() {
        for (String verb : List.of("init-labels", "read-labels", "write-labels", "zero-labels", "check-labels",
                "read-infoblock", "write-infoblock", "list", "create-namespace")) {
            Ndctl.Result r = Ndctl.run(verb, "--help");
            assertEquals(0, r.exit(), verb + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: ndctl " + verb), verb + ": " + r.out());
        }
    }

    /** ndctl writes the blocks; both tools read them: JSON, --human, --verify and raw bytes are the same. */
    @Test
    void readInfoblockOnFilesEqualsNdctl(@TempDir Path dir) throws Exception {
        for (String mode : List.of("fsdax", "devdax")) {
            for (String map : List.of("dev", "mem")) {
                Path f = dir.resolve(mode + "-" + map + ".ib");
                ndctl(dir, "write-infoblock", "-o", f.toString(), "-s", "1G", "-m", mode, "-M", map, "-u", UUID,
                        "-p", "5ea4c3b4-7c5e-4a0b-9e8c-0c5ba4e0a001").assertOk();
                for (List<String> opts : List.of(List.of("-j"), List.of("-u"), List.of("-V", "-j"))) {
                    List<String> a = new ArrayList<>(List.of("read-infoblock", "-i", f.toString()));
                    a.addAll(opts);
                    assertSame(ndctl(dir, a.toArray(String[]::new)), Ndctl.run(a.toArray(String[]::new)), f + " " + opts);
                }
                Path theirs = dir.resolve("theirs.raw");
                Path ours = dir.resolve("ours.raw");
                ndctl(dir, "read-infoblock", "-i", f.toString(), "-o", theirs.toString()).assertOk();
                assertEquals(0, Ndctl.run("read-infoblock", "-i", f.toString(), "-o", ours.toString()).exit());
                assertArrayEquals(Files.readAllBytes(theirs), Files.readAllBytes(ours));
            }
        }
        // A damaged checksum: shown without -V, dropped with it (and the empty-array warning).
        Path bad = dir.resolve("fsdax-dev.ib");
        byte[] b = Files.readAllBytes(bad);
        b[4096 + 0x40] ^= 1;
        Files.write(bad, b);
        for (String[] a : new String[][] {{"read-infoblock", "-i", bad.toString(), "-j"},
                {"read-infoblock", "-i", bad.toString(), "-V", "-j"}}) {
            assertSame(ndctl(dir, a), Ndctl.run(a), String.join(" ", a));
        }
        // All zero, too short, missing.
        Path zero = Files.write(dir.resolve("zero"), new byte[8192]);
        Path shortFile = Files.write(dir.resolve("short"), new byte[100]);
        for (Path p : List.of(zero, shortFile, dir.resolve("missing"))) {
            String[] a = {"read-infoblock", "-i", p.toString(), "-j"};
            assertSame(ndctl(dir, a), Ndctl.run(a), p.toString());
        }
    }

    @Test
    void writeInfoblockToFilesEqualsNdctl(@TempDir Path dir) throws Exception {
        for (String[] opts : new String[][] {{"-s", "128M"}, {"-s", "1G", "-m", "devdax", "-M", "mem", "-a", "1G"},
                {"-s", "16M", "-a", "4K"}, {}}) {
            Path theirs = dir.resolve("theirs");
            Path ours = dir.resolve("ours");
            for (Path p : List.of(theirs, ours)) {
                // Without -s the file's own size is the namespace size: give both the same 64 MiB file.
                Files.write(p, new byte[0]);
                try (var raf = new java.io.RandomAccessFile(p.toFile(), "rw")) {
                    raf.setLength(64L << 20);
                }
            }
            List<String> a = new ArrayList<>(List.of("write-infoblock", "-u", UUID));
            a.addAll(List.of(opts));
            List<String> t = new ArrayList<>(a);
            t.addAll(List.of("-o", theirs.toString()));
            List<String> o = new ArrayList<>(a);
            o.addAll(List.of("-o", ours.toString()));
            Tools.Run tr = ndctl(dir, t.toArray(String[]::new));
            Ndctl.Result or = Ndctl.run(o.toArray(String[]::new));
            assertEquals(tr.exitCode(), or.exit(), String.join(" ", opts));
            assertEquals(tr.stderr(), or.err());
            assertEquals(Files.size(theirs), Files.size(ours));
            assertArrayEquals(Files.readAllBytes(theirs), Files.readAllBytes(ours), String.join(" ", opts));
        }
        for (String[] bad : new String[][] {{"write-infoblock", "-m", "raw", "-o", "x"},
                {"write-infoblock", "-m", "foo", "-o", "x"}, {"write-infoblock", "-M", "up", "-o", "x"},
                {"write-infoblock", "-c"}}) {
            Tools.Run tr = ndctl(dir, bad);
            Ndctl.Result or = Ndctl.run(bad);
            assertEquals(tr.exitCode(), or.exit(), String.join(" ", bad));
            String firstLine = tr.stderr().lines().findFirst().orElseThrow();
            assertEquals(firstLine, or.err().lines().findFirst().orElseThrow(), String.join(" ", bad));
        }
    }

    /** A namespace of an image: its info block read and rewritten in place, its parent uuid the namespace's. */
    @Test
    void infoblockVerbsOnImageNamespaces(@TempDir Path dir) throws Exception {
        String img = dir.resolve("r.img").toString();
        assertEquals(0, Ndctl.run("create-image", "-s", "256M", img).exit());
        assertEquals(0, Ndctl.run("init-labels", "nmem0", "--image", img).exit());
        assertEquals(0, Ndctl.run("create-namespace", "-m", "fsdax", "-s", "64M", "--image", img).exit());
        assertEquals(0, Ndctl.run("create-namespace", "-m", "raw", "-s", "32M", "--image", img).exit());
        Ndctl.Result r = Ndctl.run("read-infoblock", "namespace0.0", "-V", "-j", "--image", img);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("[\n  {\n    \"dev\":\"namespace0.0\",\n    \"signature\":\"NVDIMM_PFN_INFO\""), r.out());
        assertEquals("read 1 infoblock\n", r.err());

        // Raw namespace0.1 becomes devdax by its new info block, parented to the namespace's uuid.
        Ndctl.Result w = Ndctl.run("write-infoblock", "namespace0.1", "-m", "devdax", "-u", UUID, "--image", img);
        assertEquals(0, w.exit(), w.err());
        assertEquals("wrote 1 infoblock\n", w.err());
        String list = Ndctl.run("list", "-n", "namespace0.1", "-v", "--image", img).out();
        assertTrue(list.contains("\"mode\":\"devdax\""), list);
        assertTrue(list.contains("\"uuid\":\"" + UUID + "\""), list);
        Path raw = dir.resolve("ns1.raw");
        assertEquals(0, Ndctl.run("read-infoblock", "namespace0.1", "-o", raw.toString(), "--image", img).exit());
        // The real ndctl agrees with what was written, field for field.
        Tools.Run t = ndctl(dir, "read-infoblock", "-V", "-i", raw.toString(), "-j");
        assertEquals(0, t.exitCode());
        Ndctl.Result o = Ndctl.run("read-infoblock", "-V", "-i", raw.toString(), "-j");
        assertEquals(t.stdout(), o.out());

        Ndctl.Result none = Ndctl.run("read-infoblock", "namespace0.7", "-j", "--image", img);
        assertEquals(250, none.exit());
        assertEquals("error reading infoblock data: No such device or address\nread 0 infoblocks\n", none.err());
    }

    /**
     * write-labels puts a real label area (recorded by read-labels -o in a 6.1 guest) on a zero
     * image; read-labels then shows what ndctl recorded for it, and check-labels verifies it until
     * zero-labels clears it.
     */
    @Test
    void labelVerbsRoundTripTheRecordedLabelArea(@TempDir Path dir) throws Exception {
        String img = dir.resolve("r.img").toString();
        assertEquals(0, Ndctl.run("create-image", "-s", "512M", img).exit());
        Ndctl.Result c0 = Ndctl.run("check-labels", "nmem0", "--image", img);
        assertEquals(1, c0.exit());
        assertEquals("successfully verified 0 nmem label\n", c0.err());

        Path labels = Fixtures.path(KDUMP + "32-labels.bin");
        Ndctl.Result w = Ndctl.run("write-labels", "nmem0", "-i", labels.toString(), "--image", img);
        assertEquals(0, w.exit(), w.err());
        assertEquals("wrote 1 nmem\n", w.err());
        Ndctl.Result read = Ndctl.run("read-labels", "-j", "nmem0", "--image", img);
        assertEquals(Ndctl.recorded(Fixtures.text(KDUMP + "32-read-labels.json")), read.out());
        Path back = dir.resolve("back.bin");
        assertEquals(0, Ndctl.run("read-labels", "nmem0", "-o", back.toString(), "--image", img).exit());
        assertArrayEquals(Files.readAllBytes(labels), Files.readAllBytes(back));
        Ndctl.Result c1 = Ndctl.run("check-labels", "all", "--image", img);
        assertEquals(0, c1.exit());
        assertEquals("successfully verified 1 nmem label\n", c1.err());

        // Zeroing the first index block leaves the second: still valid. Zeroing all: not.
        Ndctl.Result z = Ndctl.run("zero-labels", "nmem0", "-s", "256", "--image", img);
        assertEquals("zeroed 1 nmem\n", z.err());
        assertEquals(0, Ndctl.run("check-labels", "nmem0", "--image", img).exit());
        assertEquals(0, Ndctl.run("zero-labels", "nmem0", "--image", img).exit());
        assertEquals(1, Ndctl.run("check-labels", "nmem0", "--image", img).exit());
        assertArrayEquals(new byte[128 << 10], readLabels(dir, img));

        // -O without a -s that fits is refused, as libndctl refuses the extent.
        Ndctl.Result off = Ndctl.run("zero-labels", "nmem0", "-O", "4096", "--image", img);
        assertEquals(1, off.exit());
        assertEquals("zeroed 0 nmem\n", off.err());
        // ndctl's dimm arguments: another nmem selects nothing, a non-name is an error, none is usage.
        assertEquals("wrote 0 nmem\n", Ndctl.run("write-labels", "nmem1", "-i", labels.toString(), "--image", img).err());
        Ndctl.Result bad = Ndctl.run("zero-labels", "foo", "--image", img);
        assertEquals(129, bad.exit());
        assertTrue(bad.err().startsWith("'foo' is not a valid dimm name\n"), bad.err());
        assertEquals(129, Ndctl.run("check-labels", "--image", img).exit());
    }

    private static byte[] readLabels(Path dir, String img) throws Exception {
        Path out = dir.resolve("labels.now");
        assertEquals(0, Ndctl.run("read-labels", "nmem0", "-o", out.toString(), "--image", img).exit());
        return Files.readAllBytes(out);
    }

    @Test
    void listFiltersAsNdctl(@TempDir Path dir) {
        for (String[] a : new String[][] {{"list", "-t", "foo"}, {"list", "-m", "foo"}, {"list", "-U", "x"}}) {
            List<String> ours = new ArrayList<>(List.of(a));
            ours.addAll(List.of("--image", "unused.img"));
            assertSame(ndctl(dir, a), Ndctl.run(ours.toArray(String[]::new)), String.join(" ", a));
        }
        String img = dir.resolve("r.img").toString();
        assertEquals(0, Ndctl.run("create-image", "-s", "256M", img).exit());
        assertEquals(0, Ndctl.run("init-labels", "nmem0", "--image", img).exit());
        assertEquals(0, Ndctl.run("create-namespace", "-m", "fsdax", "-s", "64M", "--image", img).exit());
        assertEquals(0, Ndctl.run("create-namespace", "-m", "devdax", "-s", "64M", "--image", img).exit());
        String all = Ndctl.run("list", "--image", img).out();
        assertTrue(all.contains("namespace0.0") && all.contains("namespace0.1"), all);
        // -X alone: devdax namespaces only, with their dax region.
        String dax = Ndctl.run("list", "-X", "--image", img).out();
        assertTrue(dax.contains("\"daxregion\":{") && !dax.contains("namespace0.0"), dax);
        for (String[] empty : new String[][] {{"-t", "blk"}, {"-U", "1"}, {"-d", "nmem3"}, {"-b", "ndbus1"}}) {
            List<String> a = new ArrayList<>(List.of("list"));
            a.addAll(List.of(empty));
            a.addAll(List.of("--image", img));
            Ndctl.Result r = Ndctl.run(a.toArray(String[]::new));
            assertEquals(0, r.exit(), r.err());
            assertEquals("", r.out(), String.join(" ", empty));
        }
        assertEquals(all, Ndctl.run("list", "-t", "pmem", "-U", "0", "-M", "-c", "-N", "--image", img).out());
        // A filter alone lists what it filters.
        assertEquals(Ndctl.run("list", "-R", "--image", img).out(), Ndctl.run("list", "-r", "region0", "--image", img).out());
        assertEquals(Ndctl.run("list", "-D", "--image", img).out(), Ndctl.run("list", "-d", "nmem0", "--image", img).out());
        Ndctl.Result fw = Ndctl.run("list", "-D", "-F", "--image", img);
        assertEquals(1, fw.exit());
        assertTrue(fw.err().contains("--firmware needs a kernel nvdimm bus"), fw.err());
    }
}
