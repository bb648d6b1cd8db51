package dev.pmemdump.pmem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmemdump.io.Bytes;
import dev.pmemdump.io.MappedImage;
import dev.pmemdump.pmem.cli.Ndctl;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.FixtureTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The fixture's creation sequence (init-labels, then 10..14-create-*.json) replayed on an all-zero
 * 512 MiB image must put everything where Linux 6.1 put it: same index blocks, same slots, same
 * label fields, same info-block fields; only uuids (and checksums that cover them) differ.
 */
@FixtureTest
class ReplayCreationTest {
    static final String V11 = "linux-6.1-qemu/nvdimm-labels-v1.1/";
    static final String[] CREATES = {"10-create-fsdax-dev-128M.json", "11-create-fsdax-mem-64M.json",
            "12-create-devdax-dev-128M.json", "13-create-sector-64M.json", "14-create-raw-32M.json"};
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void replayGivesTheKernelsLayout(@TempDir Path dir) throws Exception {
        List<String[]> steps = new ArrayList<>();
        for (String f : CREATES) {
            String text = Fixtures.text(V11 + f);
            steps.add(new String[] {text.lines().findFirst().orElseThrow(), Ndctl.recorded(text)});
        }
        replay(dir, steps, V11 + "nvdimm.img.zst");
    }

    /** The kdump-file fixture's first kernel: commands in the .err files, outputs in the .json ones. */
    @Test
    void replayTheKdumpFixture(@TempDir Path dir) throws Exception {
        List<String[]> steps = new ArrayList<>();
        for (String f : new String[] {"10-create-fsdax-dev-128M.json", "11-create-fsdax-mem-64M.json",
                "12-create-devdax-dev-64M.json"}) {
            String base = "linux-6.1-qemu/kdump-file/first-kernel/" + f;
            steps.add(new String[] {Fixtures.text(base + ".err").replaceFirst("^\\[rc=0\\] ", "").strip(),
                    Fixtures.text(base)});
        }
        replay(dir, steps, "linux-6.1-qemu/kdump-file/nvdimm-kdump-file.img.zst");
    }

    /** Each step: the "$ ndctl ..." command line and the JSON it printed. */
    static void replay(Path dir, List<String[]> steps, String fixtureImage) throws Exception {
        Path img = dir.resolve("replay.img");
        assertEquals(0, Ndctl.run("create-image", "--size", "512M", img.toString()).exit());
        Ndctl.Result init = Ndctl.run("init-labels", "nmem0", "--image", img.toString());
        assertEquals(0, init.exit(), init.err());
        assertEquals("initialized 1 nmem\n", init.err());
        for (String[] step : steps) {
            String cmd = step[0].replaceFirst("^\\$ ndctl ", "");
            List<String> args = new ArrayList<>(Arrays.asList(cmd.split(" ")));
            args.add("--image");
            args.add(img.toString());
            Ndctl.Result r = Ndctl.run(args.toArray(String[]::new));
            assertEquals(0, r.exit(), cmd + ": " + r.err());
            assertEquals(withoutUuid(step[1]), withoutUuid(r.out()), cmd);
        }
        Path fixture = Fixtures.unzstd(fixtureImage);
        try (MappedImage ours = MappedImage.open(img, MappedImage.Access.READ_ONLY);
             MappedImage theirs = MappedImage.open(fixture, MappedImage.Access.READ_ONLY)) {
            Region a = Region.open(ours, RegionLayout.qemuNvdimm());
            Region b = Region.open(theirs, RegionLayout.qemuNvdimm());
            compareLabelAreas(a, b);
            assertEquals(b.namespaces().size(), a.namespaces().size());
            for (int i = 0; i < a.namespaces().size(); i++) {
                Namespace x = a.namespaces().get(i), y = b.namespaces().get(i);
                String what = y.dev();
                assertEquals(y.dev(), x.dev());
                assertEquals(y.mode(), x.mode(), what);
                assertEquals(y.map(), x.map(), what);
                assertEquals(y.offset(), x.offset(), what);
                assertEquals(y.rawSize(), x.rawSize(), what);
                assertEquals(y.size(), x.size(), what);
                assertEquals(y.sectorSize(), x.sectorSize(), what);
                assertEquals(y.align(), x.align(), what);
                assertEquals(y.dataOffset(), x.dataOffset(), what);
                if (y.infoBlock() != null) {
                    // Same bytes except uuid, parent_uuid and the checksum over them.
                    long at = y.mode() == Mode.SECTOR ? BttInfoBlock.BTT1_OFFSET : PfnInfoBlock.NAMESPACE_OFFSET;
                    byte[] bx = masked(x.segment().asSlice(at, InfoBlock.SIZE));
                    byte[] by = masked(y.segment().asSlice(at, InfoBlock.SIZE));
                    assertArrayEquals(by, bx, what + " info block");
                    assertEquals(y.rawUuid(), ((InfoBlock) y.infoBlock()).parentUuid());
                    assertEquals(x.rawUuid(), ((InfoBlock) x.infoBlock()).parentUuid());
                }
                if (y.pfn() != null) {
                    assertEquals(y.pfn().npfns(), x.pfn().npfns(), what);
                    assertEquals(y.pfn().dataOff(), x.pfn().dataOff(), what);
                    assertEquals(y.memmapArea().byteSize(), x.memmapArea().byteSize(), what);
                }
            }
        }
    }

    /** Index blocks byte-identical; every slot identical except the uuid field. */
    static void compareLabelAreas(Region a, Region b) {
        MemorySegment la = lsa(a), lb = lsa(b);
        long idx = a.labels().indexSize();
        assertArrayEquals(lb.asSlice(0, 2 * idx).toArray(ValueLayout.JAVA_BYTE),
                la.asSlice(0, 2 * idx).toArray(ValueLayout.JAVA_BYTE), "index blocks");
        for (long slot = 0; slot < a.labels().slots(); slot++) {
            MemorySegment sa = la.asSlice(2 * idx + slot * 128, 128), sb = lb.asSlice(2 * idx + slot * 128, 128);
            assertArrayEquals(sb.asSlice(16).toArray(ValueLayout.JAVA_BYTE), sa.asSlice(16).toArray(ValueLayout.JAVA_BYTE),
                    "label slot " + slot);
        }
    }

    static MemorySegment lsa(Region r) {
        long size = r.image().size();
        return r.image().segment().asSlice(size - 128 * Bytes.KiB);
    }

    static byte[] masked(MemorySegment block) {
        byte[] b = block.toArray(ValueLayout.JAVA_BYTE);
        Arrays.fill(b, 16, 48, (byte) 0);
        Arrays.fill(b, 4088, 4096, (byte) 0);
        return b;
    }

    static String withoutUuid(String json) throws Exception {
        JsonNode n = JSON.readTree(json);
        ((ObjectNode) n).remove("uuid");
        return n.toString();
    }
}
