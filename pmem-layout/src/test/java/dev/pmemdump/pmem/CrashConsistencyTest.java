package dev.pmemdump.pmem;

import dev.pmemdump.testing.UnitTest;
import dev.pmemdump.io.Libc;
import dev.pmemdump.io.LibcException;
import dev.pmemdump.io.MappedImage;
import dev.pmemdump.pmem.cli.Ndctl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * All-or-nothing namespace changes: after a crash at any write, or a full file system, the image
 * shows the old or the new set of namespaces with their personalities (mode, map, info block uuid,
 * sector size), nothing in between.
 */
@UnitTest
class CrashConsistencyTest {
    private static final long MiB = 1 << 20;

    @TempDir
    Path dir;

    private Path base() throws IOException {
        return base(dir, 96 * MiB + 128 * 1024);
    }

    /** An image of {@code size} bytes with v1.2 labels, a 16 MiB fsdax and a 16 MiB sector namespace. */
    static Path base(Path dir, long size) throws IOException {
        Path base = dir.resolve("base.img");
        try (MappedImage img = MappedImage.create(base, size)) {
            Region r = Region.open(img, RegionLayout.qemuNvdimm());
            r.initLabels("1.2");
            r.create(NamespaceSpec.of(Mode.FSDAX).withSize(16 * MiB));
            r.create(NamespaceSpec.of(Mode.SECTOR).withSize(16 * MiB));
        }
        return base;
    }

    @Test
    void everyCutOfCreateAndDestroyLeavesOldOrNew() throws Exception {
        Path base = base();
        List<LifecycleTest.Op> ops = List.of(
                r -> r.create(fixed(NamespaceSpec.of(Mode.DEVDAX).withSize(16 * MiB))),
                r -> r.create(fixed(NamespaceSpec.of(Mode.SECTOR).withSize(16 * MiB))),
                r -> r.create(fixed(NamespaceSpec.of(Mode.FSDAX).withMap(MapLocation.MEM).withSize(32 * MiB))),
                r -> r.create(fixed(NamespaceSpec.of(Mode.RAW).withSize(16 * MiB))),
                r -> r.destroy(r.namespace("namespace0.0")),
                r -> r.destroy(r.namespace("namespace0.1")));
        assertEveryCutLeavesOldOrNew(dir, base, ops, CrashConsistencyTest::namespaceSet);
    }

    /** How a test looks at an image: what must be either the old or the new value after a cut. */
    interface View {
        List<String> of(Path image) throws Exception;
    }

    /**
     * Runs each op on a copy of {@code base} once whole, counting its writes, then once per write
     * count k cut after k writes: each cut image must look (through {@code view}) as before or after.
     */
    static void assertEveryCutLeavesOldOrNew(Path dir, Path base, List<LifecycleTest.Op> ops, View view)
            throws Exception {
        for (int o = 0; o < ops.size(); o++) {
            Path full = Files.copy(base, dir.resolve("full.img"), StandardCopyOption.REPLACE_EXISTING);
            List<String> old = view.of(full);
            long total;
            try (MappedImage img = MappedImage.open(full, MappedImage.Access.READ_WRITE)) {
                Region r = Region.open(img, RegionLayout.qemuNvdimm());
                MediaWriter w = LifecycleTest.writerOf(r);
                ops.get(o).apply(r);
                total = w.writes();
            }
            List<String> now = view.of(full);
            assertNotEquals(old, now, "op " + o + " changes the image");
            assertTrue(total > 1, "op " + o + " made " + total + " writes");
            for (long k = 0; k < total; k++) {
                Path cut = Files.copy(base, dir.resolve("cut.img"), StandardCopyOption.REPLACE_EXISTING);
                try (MappedImage img = MappedImage.open(cut, MappedImage.Access.READ_WRITE)) {
                    Region r = Region.open(img, RegionLayout.qemuNvdimm());
                    r.crashAfterWrites(k);
                    final int op = o;
                    assertThrows(MediaWriter.SimulatedCrash.class, () -> ops.get(op).apply(r));
                }
                List<String> after = view.of(cut);
                assertTrue(after.equals(old) || after.equals(now),
                        "op " + o + " cut after " + k + " of " + total + " writes: " + after
                                + " is neither " + old + " nor " + now);
            }
        }
    }

    /** Fixed uuids, so that the full run and every cut run write the same namespace. */
    private static NamespaceSpec fixed(NamespaceSpec s) {
        return s.withUuid(new UUID(1, s.mode().ordinal())).withPersonalityUuid(new UUID(2, s.mode().ordinal()));
    }

    /** The flush order the atomic update needs: personality, then label slot, then the index block. */
    @Test
    void createFlushesPersonalityThenLabelThenIndex() throws Exception {
        Path img = Files.copy(base(), dir.resolve("order.img"), StandardCopyOption.REPLACE_EXISTING);
        try (MappedImage m = MappedImage.open(img, MappedImage.Access.READ_WRITE)) {
            Region r = Region.open(m, RegionLayout.qemuNvdimm());
            List<long[]> flushed = new ArrayList<>();
            LifecycleTest.writerOf(r).observe((off, len) -> flushed.add(new long[] {off, len}));
            r.create(NamespaceSpec.of(Mode.SECTOR).withSize(16 * MiB));
            long labelArea = r.layout().labelOffset(m.size());
            LabelArea la = r.labels();
            long indexEnd = labelArea + 2 * la.indexSize();
            List<Character> kinds = new ArrayList<>();
            for (long[] w : flushed) {
                kinds.add(w[0] < labelArea ? 'P' : w[0] < indexEnd ? 'I' : 'L');
            }
            String seq = kinds.stream().map(String::valueOf).reduce("", String::concat);
            assertTrue(seq.matches("P+LILI"), "personality writes, then two (label, index) updates: " + seq);
        }
    }

    /**
     * A full file system (a small tmpfs mounted by the test) makes create-namespace fail with
     * ENOSPC before anything visible changes: no SIGBUS, the old namespace set.
     */
    @Test
    void fullFileSystemIsAnErrorAndChangesNothing() throws Exception {
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        try {
            Libc.mount("tmpfs", mnt, "tmpfs", 0, "size=4m");
        } catch (LibcException e) {
            assumeTrue(false, "cannot mount a tmpfs here: " + e.getMessage());
        }
        try {
            Path img = mnt.resolve("pmem.img");
            assertEquals(0, Ndctl.run("create-image", "-s", "96M", "--label-size", "128K", img.toString()).exit());
            assertEquals(0, Ndctl.run("init-labels", "-V", "1.2", "--image", img.toString()).exit());
            Ndctl.Result first = Ndctl.run("create-namespace", "-m", "fsdax", "-s", "16M", "--image", img.toString());
            assertEquals(0, first.exit(), first.err());
            List<String> before = namespaceSet(img);
            fill(mnt.resolve("filler"));
            for (String mode : List.of("sector", "fsdax", "devdax")) {
                Ndctl.Result r = Ndctl.run("create-namespace", "-m", mode, "-s", "16M", "--image", img.toString());
                assertNotEquals(0, r.exit(), mode + ": " + r.out());
                assertEquals("create-namespace: " + img + ": fallocate: No space left on device\n", r.err(), mode);
                assertEquals(before, namespaceSet(img), mode + " left the namespace set as it was");
            }
            Files.delete(mnt.resolve("filler"));
            Ndctl.Result ok = Ndctl.run("create-namespace", "-m", "sector", "-s", "16M", "--image", img.toString());
            assertEquals(0, ok.exit(), "with space again the same command works: " + ok.err());
        } finally {
            Libc.umount2(mnt, Libc.MNT_DETACH);
        }
    }

    private static void fill(Path filler) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 1);
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException e) {
            assertTrue(String.valueOf(e.getMessage()).contains("No space left on device"), e.toString());
        }
    }

    /** Namespaces as the kernel would show them: place, label uuid, mode, map, info block and sector size. */
    static List<String> namespaceSet(Path img) throws IOException {
        try (MappedImage m = MappedImage.open(img, MappedImage.Access.READ_ONLY)) {
            return Region.open(m, RegionLayout.qemuNvdimm()).namespaces().stream()
                    .map(n -> n.dev() + " " + n.mode() + " " + n.map() + " " + n.rawUuid() + "@" + n.offset() + "+"
                            + n.rawSize() + " uuid " + n.uuid() + " size " + n.size() + " lba " + n.sectorSize())
                    .toList();
        }
    }
}
