package dev.pmemdump.pmem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmemdump.io.Bytes;
import dev.pmemdump.io.MappedImage;
import dev.pmemdump.testing.Tools;
import dev.pmemdump.testing.OracleTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The real ndctl 76 as the oracle for info blocks: what {@code ndctl write-infoblock} writes we
 * write byte for byte, and what we write {@code ndctl read-infoblock} reads back field by field.
 */
@OracleTest
class NdctlInteropTest {
    static final long MiB = Bytes.MiB;

    @Test
    void ndctlWriteInfoblockEqualsOurs(@TempDir Path dir) throws Exception {
        Path ndctl = Tools.require("ndctl");
        UUID u = UUID.fromString("42e1d574-76ac-402c-9132-5436e31528c0");
        for (String mode : List.of("fsdax", "devdax")) {
            for (String map : List.of("dev", "mem")) {
                for (long size : new long[] {16 * MiB, 128 * MiB, 1000 * MiB, 4096 * MiB, 1L << 40}) {
                    for (long align : new long[] {4096, 2 * MiB, 1L << 30}) {
                        if (align >= size) {
                            continue;
                        }
                        Path f = dir.resolve("ib.bin");
                        Files.deleteIfExists(f);
                        Tools.run(List.of(ndctl.toString(), "write-infoblock", "-o", f.toString(), "-s", Long.toString(size),
                                "-m", mode, "-M", map, "-a", Long.toString(align), "-u", u.toString()), dir, 30).assertOk();
                        byte[] theirs = Files.readAllBytes(f);
                        MapLocation loc = MapLocation.parse(map);
                        MemorySegment ours = MemorySegment.ofArray(new byte[4096]);
                        PfnInfoBlock.create(mode.equals("devdax"), u, Uuids.NULL, loc.pfnMode(),
                                PfnInfoBlock.place(0, size, loc.pfnMode(), align)).encode(ours);
                        String what = mode + " " + map + " size " + size + " align " + align;
                        assertArrayEquals(new byte[4096], java.util.Arrays.copyOf(theirs, 4096), what + ": first 4 KiB");
                        assertArrayEquals(java.util.Arrays.copyOfRange(theirs, 4096, 8192),
                                ours.toArray(ValueLayout.JAVA_BYTE), what);
                    }
                }
            }
        }
    }

    @Test
    void ndctlReadInfoblockReadsOurs(@TempDir Path dir) throws Exception {
        Path ndctl = Tools.require("ndctl");
        ObjectMapper json = new ObjectMapper();
        try (MappedImage img = MappedImage.create(dir.resolve("r.img"), 256 * MiB + 128 * 1024)) {
            Region r = Region.open(img, RegionLayout.qemuNvdimm());
            r.initLabels("1.1");
            r.create(NamespaceSpec.of(Mode.FSDAX).withSize(128 * MiB));
            r.create(NamespaceSpec.of(Mode.DEVDAX).withSize(64 * MiB).withMap(MapLocation.MEM).withAlign(4096));
            r.create(NamespaceSpec.of(Mode.SECTOR).withSize(48 * MiB).withSectorSize(520));
            for (Namespace n : r.namespaces()) {
                Path f = dir.resolve(n.dev() + ".ib");
                Files.write(f, n.segment().asSlice(0, 8192).toArray(ValueLayout.JAVA_BYTE));
                Tools.Run run = Tools.run(List.of(ndctl.toString(), "read-infoblock", "-i", f.toString(), "-j"), dir, 30)
                        .assertOk();
                JsonNode ib = json.readTree(run.stdout()).get(0);
                if (n.btt() != null) {
                    BttInfoBlock b = n.btt().arenas().get(0).info();
                    assertEquals("BTT_ARENA_INFO", ib.get("signature").asText());
                    assertEquals(n.rawUuid().toString(), ib.get("parent_uuid").asText());
                    assertEquals("1.1", ib.get("version").asText());
                    assertEquals(520, ib.get("external_lbasize").asLong());
                    assertEquals(b.externalNlba(), ib.get("external_nlba").asLong());
                    assertEquals(576, ib.get("internal_lbasize").asLong(), "520 rounded up to 64");
                    assertEquals(b.internalNlba(), ib.get("internal_nlba").asLong());
                    assertEquals(b.mapOff(), ib.get("mapoff").asLong());
                    assertEquals(b.info2Off(), ib.get("info2off").asLong());
                    continue;
                }
                PfnInfoBlock p = n.pfn();
                assertEquals(p.signature(), ib.get("signature").asText());
                assertEquals(p.uuid().toString(), ib.get("uuid").asText());
                assertEquals(n.rawUuid().toString(), ib.get("parent_uuid").asText());
                assertEquals("1.4", ib.get("version").asText());
                assertEquals(p.dataOff(), ib.get("dataoff").asLong(), n.dev());
                assertEquals(p.npfns(), ib.get("npfns").asLong());
                assertEquals(p.mode(), ib.get("mode").asInt());
                assertEquals(p.endTrunc(), ib.get("end_trunc").asLong());
                assertEquals(p.align(), ib.get("align").asLong());
                assertEquals(4096, ib.get("page_size").asLong());
                assertEquals(64, ib.get("page_struct_size").asInt());
            }
        }
    }
}
