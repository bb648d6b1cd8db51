package dev.pmemdump.pmem;

import dev.pmemdump.io.Bytes;
import dev.pmemdump.io.MappedImage;
import dev.pmemdump.pmem.cli.Ndctl;
import dev.pmemdump.testing.UnitTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each kind of damage gives one line naming the file and the offset, a non-zero exit, and leaves
 * the image byte-for-byte as it was, for a reading command and for a writing one.
 */
@UnitTest
class CorruptionTest {
    static final long MiB = Bytes.MiB;
    static final long LSA = 64 * MiB;
    @TempDir
    static Path dir;
    static Path base;
    static long[] slotOf = new long[3];

    /** v1.2 labels: fsdax @0, devdax @16M, sector (BTT2 at offset 0) @32M. */
    @BeforeAll
    static void build() throws Exception {
        base = dir.resolve("base.img");
        try (MappedImage img = MappedImage.create(base, LSA + 128 * 1024)) {
            Region r = Region.open(img, RegionLayout.qemuNvdimm());
            r.initLabels("1.2");
            r.create(NamespaceSpec.of(Mode.FSDAX).withSize(16 * MiB));
            r.create(NamespaceSpec.of(Mode.DEVDAX).withSize(16 * MiB));
            r.create(NamespaceSpec.of(Mode.SECTOR).withSize(16 * MiB));
            for (int i = 0; i < 3; i++) {
                slotOf[i] = r.labels().slotOffset(r.namespaces().get(i).label().slot());
            }
        }
    }

    interface Damage {
        void apply(Path img) throws Exception;
    }

    record Case(String name, Damage damage, String message, long offset, String... extra) {}

    static Damage poke(long off, long value) {
        return img -> Images.poke(img, off, Images.le64(value));
    }

    static Damage both(Damage a, Damage b) {
        return img -> {
            a.apply(img);
            b.apply(img);
        };
    }

    /** Rewrites a live v1.2 label's field and re-seals its checksum, so only the geometry is wrong. */
    static Damage label(long slotOff, long field, long value) {
        return img -> {
            try (MappedImage m = MappedImage.open(img, MappedImage.Access.READ_WRITE)) {
                MemorySegment s = m.segment().asSlice(slotOff, 256);
                s.set(Bytes.LE_U64, field, value);
                s.set(Bytes.LE_U64, NamespaceLabel.OFF_CHECKSUM, Fletcher64.of(s, NamespaceLabel.OFF_CHECKSUM));
            }
        };
    }

    static Damage infoField(long blockOff, long field, long value) {
        return img -> {
            try (MappedImage m = MappedImage.open(img, MappedImage.Access.READ_WRITE)) {
                MemorySegment b = m.segment().asSlice(blockOff, 4096);
                b.set(Bytes.LE_U64, field, value);
                InfoBlock.seal(b);
            }
        };
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("both index blocks bad", both(poke(LSA + 64, 1), poke(LSA + 256 + 64, 1)),
                "both label index blocks invalid: nsindex0 checksum invalid", LSA));
        c.add(new Case("index blocks both invalid (sequence 0)", both(poke(LSA + 20, 0), poke(LSA + 256 + 20, 0)),
                "both label index blocks invalid", LSA));
        c.add(new Case("label checksum", poke(slotOf[0] + 16, 0x41), "label checksum mismatch", slotOf[0]));
        c.add(new Case("pfn checksum", poke(0x1100, 7), "pfn info block checksum mismatch", 0x1ff8));
        c.add(new Case("dax checksum", poke(16 * MiB + 0x1100, 7), "dax info block checksum mismatch",
                16 * MiB + 0x1ff8));
        c.add(new Case("btt checksum", poke(32 * MiB + 0x100, 7), "btt info block checksum mismatch",
                32 * MiB + 0xff8));
        c.add(new Case("overlapping labels", label(slotOf[1], NamespaceLabel.OFF_DPA, 8 * MiB), "overlaps",
                slotOf[1] + NamespaceLabel.OFF_DPA));
        c.add(new Case("label beyond region", label(slotOf[2], NamespaceLabel.OFF_RAWSIZE, 64 * MiB),
                "outside the region", slotOf[2] + NamespaceLabel.OFF_DPA));
        c.add(new Case("impossible dataoff", infoField(0x1000, PfnInfoBlock.OFF_DATAOFF, 0x7fff000000L),
                "pfn array size exceeds capacity", 0x1000 + PfnInfoBlock.OFF_DATAOFF));
        c.add(new Case("truncated image", img -> {
            try (FileChannel ch = FileChannel.open(img, StandardOpenOption.WRITE)) {
                ch.truncate(Files.size(img) - 100);
            }
        }, "not a multiple of 4 KiB: truncated", LSA + 128 * 1024 - 100));
        c.add(new Case("label area larger than the image", img -> { }, "does not fit the image", 0,
                "--label-size", "1G"));
        return c;
    }

    @Test
    void everyDamageIsNamedAndNothingIsWritten() throws Exception {
        for (Case c : cases()) {
            Path img = Images.sparseCopy(base, dir.resolve("case.img"));
            c.damage().apply(img);
            String before = Images.sha256(img);
            for (String[] verb : new String[][] {{"list", "-N"}, {"create-namespace", "-m", "raw", "-s", "16M"},
                    {"destroy-namespace", "all", "-f"}}) {
                List<String> args = new ArrayList<>(List.of(verb));
                args.addAll(List.of("--image", img.toString()));
                args.addAll(List.of(c.extra()));
                Ndctl.Result r = Ndctl.run(args.toArray(String[]::new));
                String what = c.name() + " / " + verb[0];
                assertTrue(r.exit() != 0, what);
                assertEquals("", r.out(), what);
                assertEquals(1, r.err().lines().count(), what + ": " + r.err());
                assertTrue(r.err().contains(img.toString()), what + ": " + r.err());
                assertTrue(r.err().contains(c.message()), what + ": " + r.err());
                assertTrue(r.err().contains("offset 0x" + Long.toHexString(c.offset()) + ":"), what + ": " + r.err());
            }
            assertEquals(before, Images.sha256(img), c.name() + ": image changed");
        }
    }

    /** One damaged index block is not an error: the kernel (and we) use the other one. */
    @Test
    void oneBadIndexFallsBackToTheOther() throws Exception {
        Path img = Files.copy(base, dir.resolve("one.img"), StandardCopyOption.REPLACE_EXISTING);
        try (MappedImage m = MappedImage.open(img, MappedImage.Access.READ_ONLY)) {
            Region r = Region.open(m, RegionLayout.qemuNvdimm());
            int cur = r.labels().currentIndex();
            m.close();
            Images.poke(img, LSA + 256L * cur + 64, Images.le64(1));
        }
        try (MappedImage m = MappedImage.open(img, MappedImage.Access.READ_ONLY)) {
            Region r = Region.open(m, RegionLayout.qemuNvdimm());
            assertEquals(3, r.namespaces().size(), "the previous index still lists all three namespaces");
        }
    }
}
