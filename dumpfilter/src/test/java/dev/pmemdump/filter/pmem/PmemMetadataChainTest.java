package dev.pmemdump.filter.pmem;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.Range;
import dev.pmemdump.io.MappedImage;
import dev.pmemdump.pmem.MapLocation;
import dev.pmemdump.pmem.Mode;
import dev.pmemdump.pmem.Namespace;
import dev.pmemdump.pmem.NamespaceSpec;
import dev.pmemdump.pmem.Region;
import dev.pmemdump.pmem.RegionLayout;
import dev.pmemdump.vmcore.xlat.FlatPhysicalMemory;
import dev.pmemdump.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Info blocks followed namespace after namespace in one pmem PT_LOAD, against pmem-layout's namespaces. */
@UnitTest
class PmemMetadataChainTest {
    static final long BASE = 0x1_0000_0000L;
    static final long SIZE = 256L << 20;

    @TempDir
    Path dir;

    @Test
    void everyNamespaceOfARegionIsFoundWithWhereItsMemmapLives() throws Exception {
        try (MappedImage img = MappedImage.create(dir.resolve("r.img"), SIZE + RegionLayout.DEFAULT_LABEL_SIZE)) {
            Region r = Region.open(img, RegionLayout.qemuNvdimm(RegionLayout.DEFAULT_LABEL_SIZE, BASE));
            r.initLabels("1.2");
            List<Namespace> made = new ArrayList<>();
            made.add(r.create(NamespaceSpec.of(Mode.FSDAX).withSize(64L << 20).withMap(MapLocation.DEV)));
            made.add(r.create(NamespaceSpec.of(Mode.FSDAX).withSize(32L << 20).withMap(MapLocation.MEM)));
            made.add(r.create(NamespaceSpec.of(Mode.DEVDAX).withSize(32L << 20).withMap(MapLocation.DEV)));
            FlatPhysicalMemory phys = new FlatPhysicalMemory("r.img", img.segment().asSlice(0, SIZE), BASE);
            List<PmemMetadata.Described> got = PmemMetadata.chain(phys, new Range(BASE, BASE + SIZE), 4096);
            assertEquals(3, got.size());
            for (int i = 0; i < 3; i++) {
                Namespace ns = made.get(i);
                long start = BASE + ns.offset();
                PmemMetadata.Described d = got.get(i);
                assertEquals(start + ns.rawSize(), d.end(), ns.dev());
                assertEquals(new Range(start >>> 12, (start + ns.rawSize() - ns.pfn().endTrunc()) >>> 12), d.pfns());
                if (ns.map() == MapLocation.DEV) {
                    assertEquals(new Range(start >>> 12, (start + ns.pfn().dataOff()) >>> 12), d.onDevice());
                } else {
                    assertNull(d.onDevice(), ns.dev());
                }
            }
        }
    }

    /**
     * A raw namespace between two others stops the chain; the namespace starts (from the first
     * kernel's iomem) find the one after it. A pmem load that ends inside a namespace (a listing of
     * another machine, a truncated vmcore) is a named error naming the block's npfns, not a guess.
     */
    @Test
    void namespaceStartsSkipARawNamespaceAndAnExtentPastThePmemIsNamed() throws Exception {
        try (MappedImage img = MappedImage.create(dir.resolve("r.img"), SIZE + RegionLayout.DEFAULT_LABEL_SIZE)) {
            Region r = Region.open(img, RegionLayout.qemuNvdimm(RegionLayout.DEFAULT_LABEL_SIZE, BASE));
            r.initLabels("1.2");
            Namespace first = r.create(NamespaceSpec.of(Mode.FSDAX).withSize(64L << 20).withMap(MapLocation.DEV));
            Namespace raw = r.create(NamespaceSpec.of(Mode.RAW).withSize(32L << 20));
            Namespace last = r.create(NamespaceSpec.of(Mode.DEVDAX).withSize(64L << 20).withMap(MapLocation.DEV));
            FlatPhysicalMemory phys = new FlatPhysicalMemory("r.img", img.segment().asSlice(0, SIZE), BASE);
            Range load = new Range(BASE, BASE + SIZE);
            assertEquals(1, PmemMetadata.chain(phys, load, 4096).size(), "the chain stops at the raw namespace");
            List<Long> starts = List.of(BASE + first.offset(), BASE + raw.offset(), BASE + last.offset());
            List<PmemMetadata.Described> got = PmemMetadata.atStarts(phys, load, starts, 4096);
            assertEquals(2, got.size());
            long lastStart = BASE + last.offset();
            assertEquals(new Range(lastStart >>> 12, (lastStart + last.pfn().dataOff()) >>> 12), got.get(1).onDevice());
            Range cut = new Range(BASE, lastStart + (32L << 20));
            CorruptInputException e = assertThrows(CorruptInputException.class,
                    () -> PmemMetadata.atStarts(phys, cut, starts, 4096));
            assertTrue(e.getMessage().contains("past the end of its pmem"), e.getMessage());
            assertTrue(e.getMessage().startsWith("r.img (physical 0x" + Long.toHexString(lastStart + 4096) + "): offset 0x"
                    + Long.toHexString(lastStart + 4096 + 0x40)), e.getMessage());
        }
    }
}
