package dev.pmemdump.pmem;

import dev.pmemdump.io.Bytes;
import dev.pmemdump.io.MappedImage;
import dev.pmemdump.pmem.cli.Ndctl;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.FixtureTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Create, list, destroy, re-create and reconfigure through the library API. */
@FixtureTest
class LifecycleTest {
    static final long MiB = Bytes.MiB;

    static MappedImage fresh(Path dir, long size) throws Exception {
        return MappedImage.create(dir.resolve("r.img"), size);
    }

    @Test
    void roundTripEveryModeWithV12Labels(@TempDir Path dir) throws Exception {
        try (MappedImage img = fresh(dir, 256 * MiB + 128 * 1024)) {
            Region r = Region.open(img, RegionLayout.qemuNvdimm());
            assertNull(r.labels(), "a zero image is label-less");
            assertEquals(Mode.RAW, r.namespaces().get(0).mode());
            r.initLabels("1.2");
            assertEquals(510, r.labels().slots());
            UUID u = UUID.fromString("11111111-2222-4333-8444-555555555555");
            Namespace fs = r.create(NamespaceSpec.of(Mode.FSDAX).withSize(64 * MiB).withUuid(u).withName("data"));
            Namespace dax = r.create(NamespaceSpec.of(Mode.DEVDAX).withSize(32 * MiB).withMap(MapLocation.MEM));
            Namespace sec = r.create(NamespaceSpec.of(Mode.SECTOR).withSize(32 * MiB).withSectorSize(512));
            Namespace raw = r.create(NamespaceSpec.of(Mode.RAW).withSize(16 * MiB));
            Region again = Region.open(img, RegionLayout.qemuNvdimm());
            assertEquals(List.of(fs, dax, sec, raw).stream().map(Namespace::rawUuid).toList(),
                    again.namespaces().stream().map(Namespace::rawUuid).toList());
            Namespace fs2 = again.namespace("namespace0.0");
            assertEquals(u, fs2.rawUuid());
            assertEquals("data", fs2.name());
            assertEquals(NamespaceLabel.PFN_GUID, fs2.label().abstractionGuid());
            assertEquals(64 * MiB - 2 * MiB, fs2.size(), "1 MiB of struct pages + 8 KiB rounds up to a 2 MiB dataoff");
            assertEquals(fs2.pfn().dataOff() - 8192, fs2.memmapArea().byteSize());
            Namespace d2 = again.namespace("namespace0.1");
            assertEquals(MapLocation.MEM, d2.map());
            assertEquals(0, d2.memmapArea().byteSize());
            assertEquals(NamespaceLabel.DAX_GUID, d2.label().abstractionGuid());
            Namespace s2 = again.namespace("namespace0.2");
            assertEquals(NamespaceLabel.BTT2_GUID, s2.label().abstractionGuid());
            assertEquals(0, s2.btt().arenas().get(0).offset(), "BTT2 info block at namespace offset 0");
            assertEquals(512, s2.sectorSize());
            assertEquals(2, s2.btt().arenas().get(0).info().versionMajor());
            assertTrue(s2.btt().check().isEmpty(), s2.btt().check().toString());
            assertEquals(Uuids.NULL, again.namespace("namespace0.3").label().abstractionGuid());
            assertEquals(256 * MiB - 144 * MiB, again.availableSize(), "free space after 144 MiB, aligned down to 16 MiB");
        }
    }

    @Test
    void destroyAndRecreateReuseTheHole(@TempDir Path dir) throws Exception {
        try (MappedImage img = fresh(dir, 256 * MiB + 128 * 1024)) {
            Region r = Region.open(img, RegionLayout.qemuNvdimm());
            r.initLabels("1.1");
            r.create(NamespaceSpec.of(Mode.FSDAX).withSize(32 * MiB));
            Namespace mid = r.create(NamespaceSpec.of(Mode.SECTOR).withSize(48 * MiB));
            r.create(NamespaceSpec.of(Mode.RAW).withSize(16 * MiB));
            long before = r.availableSize();
            r.destroy(mid);
            assertEquals(before + 48 * MiB, r.availableSize());
            assertEquals(2, r.namespaces().size());
            assertEquals("namespace0.1", r.namespaces().get(1).dev(), "ids follow DPA order after a reboot");
            assertTrue(r.labels().isFree(mid.label().slot()));
            // First fit: a 16 MiB namespace lands at the start of the hole, then 32 MiB after it.
            Namespace a = r.create(NamespaceSpec.of(Mode.DEVDAX).withSize(16 * MiB));
            assertEquals(mid.offset(), a.offset());
            Namespace b = r.create(NamespaceSpec.of(Mode.FSDAX).withSize(32 * MiB));
            assertEquals(mid.offset() + 16 * MiB, b.offset());
            // The destroyed sector namespace left no info block behind for the new one to trip on.
            assertEquals(Mode.DEVDAX, r.namespaces().stream().filter(n -> n.offset() == a.offset()).findFirst()
                    .orElseThrow().mode());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> r.create(NamespaceSpec.of(Mode.FSDAX).withSize(24 * MiB)));
            assertTrue(e.getMessage().contains("must align to interleave-width: 1 and alignment: 16777216"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> r.create(NamespaceSpec.of(Mode.FSDAX).withSize(1L << 40)));
            assertTrue(e.getMessage().contains("insufficient capacity"), e.getMessage());
        }
    }

    /** The e820 fixture was reconfigured with "-f -e namespace0.0 -m fsdax --map=dev" (01-reconfig-fsdax-dev.json). */
    @Test
    void legacyReconfigureReproducesKernelInfoBlock(@TempDir Path dir) throws Exception {
        Path src = Fixtures.unzstd("linux-6.1-qemu/legacy-e820/pmem-128M.img.zst");
        Path copy = Images.sparseCopy(src, dir.resolve("e820.img"));
        try (MappedImage theirs = MappedImage.open(src, MappedImage.Access.READ_ONLY);
             MappedImage ours = MappedImage.open(copy, MappedImage.Access.READ_WRITE)) {
            Region t = Region.open(theirs, RegionLayout.legacyE820(0x30000000L));
            Region o = Region.open(ours, RegionLayout.legacyE820(0x30000000L));
            Namespace ns = o.namespaces().get(0);
            o.destroy(ns);
            assertEquals(Mode.FSDAX, o.namespaces().get(0).mode(), "e820 without info block: fsdax, map mem");
            assertNull(o.namespaces().get(0).infoBlock());
            Namespace re = o.reconfigure(o.namespaces().get(0), NamespaceSpec.of(Mode.FSDAX).withAlign(4096)
                    .withPersonalityUuid(t.namespaces().get(0).uuid()));
            assertNotNull(re.pfn());
            assertEquals(t.namespaces().get(0).pfn(), re.pfn());
            assertEquals(Images.sha256(src), Images.sha256(copy), "byte-identical to what the kernel wrote");
        }
    }

    /** Cutting the write sequence after every write leaves the old or the new label set, never an error. */
    @Test
    void interruptedUpdatesLeaveOldOrNew(@TempDir Path dir) throws Exception {
        Path base = CrashConsistencyTest.base(dir, 64 * MiB + 128 * 1024);
        List<Op> ops = List.of(
                reg -> reg.create(NamespaceSpec.of(Mode.DEVDAX).withSize(16 * MiB).withUuid(new UUID(1, 1))),
                reg -> reg.create(NamespaceSpec.of(Mode.SECTOR).withSize(16 * MiB).withUuid(new UUID(1, 2))),
                reg -> reg.destroy(reg.namespace("namespace0.1")),
                reg -> reg.reconfigure(reg.namespace("namespace0.0"), NamespaceSpec.of(Mode.RAW).withUuid(new UUID(1, 3))));
        CrashConsistencyTest.assertEveryCutLeavesOldOrNew(dir, base, ops, LifecycleTest::labelSet);
    }

    interface Op {
        void apply(Region r) throws Exception;
    }

    static MediaWriter writerOf(Region r) throws Exception {
        var f = Region.class.getDeclaredField("writer");
        f.setAccessible(true);
        return (MediaWriter) f.get(r);
    }

    /** The namespaces as labels define them; opening must succeed (never a broken image). */
    static List<String> labelSet(Path img) throws Exception {
        try (MappedImage m = MappedImage.open(img, MappedImage.Access.READ_ONLY)) {
            return Region.open(m, RegionLayout.qemuNvdimm()).namespaces().stream()
                    .map(n -> n.rawUuid() + "@" + n.offset() + "+" + n.rawSize()).toList();
        }
    }

    @Test
    void cliInitCreateListDestroy(@TempDir Path dir) {
        String img = dir.resolve("c.img").toString();
        assertEquals(0, Ndctl.run("create-image", "-s", "128M", img).exit());
        assertEquals(0, Ndctl.run("init-labels", "-V", "1.2", "--image", img).exit());
        Ndctl.Result again = Ndctl.run("init-labels", "--image", img);
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("labels already initialized"), again.err());
        Ndctl.Result c = Ndctl.run("create-namespace", "-m", "devdax", "-s", "32M", "-n", "x", "--image", img);
        assertEquals(0, c.exit(), c.err());
        assertTrue(c.out().contains("\"chardev\":\"dax0.0\""), c.out());
        Ndctl.Result l = Ndctl.run("list", "-N", "-u", "--image", img);
        assertTrue(l.out().startsWith("{\n  \"dev\":\"namespace0.0\",\n  \"mode\":\"devdax\""), l.out());
        assertTrue(l.out().contains("\"size\":\"30.00 MiB (31.46 MB)\""), l.out());
        assertTrue(l.out().contains("\"name\":\"x\""), l.out());
        Ndctl.Result d = Ndctl.run("destroy-namespace", "namespace0.0", "--image", img);
        assertEquals(1, d.exit());
        assertTrue(d.err().contains("namespace0.0 is active, specify --force for re-configuration"), d.err());
        assertEquals(0, Ndctl.run("destroy-namespace", "all", "-f", "--image", img).exit());
        assertEquals("", Ndctl.run("list", "--image", img).out(), "ndctl prints nothing when nothing matches");
        Ndctl.Result r = Ndctl.run("list", "-R", "--image", img);
        assertTrue(r.out().contains("\"available_size\":117440512"), r.out());
    }
}
