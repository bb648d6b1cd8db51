package dev.pmemdump.pmem;

import dev.pmemdump.io.MappedImage;
import dev.pmemdump.pmem.cli.Ndctl;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.FixtureTest;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real-kernel fixtures: pmemdump must see what Linux 6.1 and ndctl 76 saw. */
@FixtureTest
class FixtureAcceptanceTest {
    static final String V11 = "linux-6.1-qemu/nvdimm-labels-v1.1/";
    static final String E820 = "linux-6.1-qemu/legacy-e820/";
    static final String KDUMP = "linux-6.1-qemu/kdump-file/";

    static Path v11() {
        return Fixtures.unzstd(V11 + "nvdimm.img.zst");
    }

    static void assertSameOutput(String fixture, String... args) {
        Ndctl.Result r = Ndctl.run(args);
        assertEquals(0, r.exit(), r.err());
        assertEquals(Ndctl.recorded(Fixtures.text(fixture)), r.out(), fixture);
    }

    @Test
    void labelV11ListMatchesNdctl() {
        String img = v11().toString();
        assertSameOutput(V11 + "20-list-N-v.json", "list", "-N", "-v", "--image", img);
        assertSameOutput(V11 + "21-list-RDN.json", "list", "-RDN", "--image", img);
    }

    @Test
    void labelV11ReadLabelsMatchesNdctl() {
        assertSameOutput(V11 + "24-read-labels-after.json", "read-labels", "-j", "nmem0", "--image", v11().toString());
    }

    @Test
    void legacyE820ListMatchesNdctl() {
        String img = Fixtures.unzstd(E820 + "pmem-128M.img.zst").toString();
        assertSameOutput(E820 + "02-list-RDN-after.json", "list", "-RDN", "-v", "--layout", "e820", "--image", img);
    }

    @Test
    void kdumpFileImageMatchesNdctl() {
        String img = Fixtures.unzstd(KDUMP + "nvdimm-kdump-file.img.zst").toString();
        assertSameOutput(KDUMP + "first-kernel/30-list-N-v.json", "list", "-N", "-v", "--image", img);
        assertSameOutput(KDUMP + "first-kernel/31-list-RDN.json", "list", "-RDN", "--image", img);
        assertSameOutput(KDUMP + "first-kernel/32-read-labels.json", "read-labels", "-j", "--image", img);
    }

    /**
     * The fixture's "before" state is a zero 512 MiB backing file (label-less region) and its
     * "after init" state what init-labels makes of it: replay both on a fresh sparse image.
     */
    @Test
    void zeroImageAndInitLabelsMatchNdctl(@org.junit.jupiter.api.io.TempDir Path dir) {
        String img = dir.resolve("zero.img").toString();
        assertEquals(0, Ndctl.run("create-image", "-s", "512M", img).exit());
        assertSameOutput(V11 + "00-list-RDN-before.json", "list", "-RDN", "--image", img);
        assertSameOutput(V11 + "01-list-BDRNi-v-before.json", "list", "-BDRN", "-i", "-v", "--image", img);
        assertSameOutput(V11 + "02-read-labels-before.json", "read-labels", "-j", "nmem0", "--image", img);
        assertEquals(0, Ndctl.run("init-labels", "nmem0", "--image", img).exit());
        assertSameOutput(V11 + "07-list-RDN-after-init.json", "list", "-RDN", "-i", "--image", img);
        assertSameOutput(V11 + "08-read-labels-after-init.json", "read-labels", "-j", "nmem0", "--image", img);
    }

    /**
     * The e820 "before" state is the fixture image without its info block; replaying the recorded
     * reconfiguration must print what ndctl printed (uuid aside) and list like 02-list-RDN-after.
     */
    @Test
    void legacyE820BeforeAndReconfigure(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path img = Images.sparseCopy(Fixtures.unzstd(E820 + "pmem-128M.img.zst"), dir.resolve("e820.img"));
        Images.poke(img, 0, new byte[8192]);
        String i = img.toString();
        assertSameOutput(E820 + "00-list-RDN-before.json", "list", "-RDN", "-i", "--layout", "e820", "--image", i);
        Ndctl.Result r = Ndctl.run("create-namespace", "-f", "-e", "namespace0.0", "-m", "fsdax", "--map=dev",
                "--layout", "e820", "--image", i);
        assertEquals(0, r.exit(), r.err());
        String uuidLine = "(?m)^  \"uuid\":\"[-0-9a-f]+\",\n";
        assertEquals(Ndctl.recorded(Fixtures.text(E820 + "01-reconfig-fsdax-dev.json")).replaceAll(uuidLine, ""),
                r.out().replaceAll(uuidLine, ""));
        Ndctl.Result l = Ndctl.run("list", "-RDN", "-v", "--layout", "e820", "--image", i);
        String uuidDeep = "(?m)^ +\"uuid\":\"[-0-9a-f]+\",\n";
        assertEquals(Ndctl.recorded(Fixtures.text(E820 + "02-list-RDN-after.json")).replaceAll(uuidDeep, ""),
                l.out().replaceAll(uuidDeep, ""));
    }

    @Test
    void verboseBusListingMatchesNdctl() {
        assertSameOutput(V11 + "22-list-BDRNi-vvv.json", "list", "-BDRN", "-i", "-vvv", "--image", v11().toString());
    }

    /** The kernel-written BTT (with real writes in map and log) is consistent; a map entry pointing at a block in use is not. */
    @Test
    void checkNamespaceOnTheKernelsBtt(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Ndctl.Result ok = Ndctl.run("check-namespace", "namespace0.3", "--image", v11().toString());
        assertEquals(0, ok.exit(), ok.err());
        assertEquals("checked 1 namespace\n", ok.err());
        Path copy = Images.sparseCopy(v11(), dir.resolve("btt.img"));
        long map = 0x14001000L + 0x3fea000L;
        Images.poke(copy, map + 4 * 5, new byte[] {0x00, 0x00, 0x00, (byte) 0xc0}); // lba 5 -> block 0, as lba 1
        Ndctl.Result bad = Ndctl.run("check-namespace", "all", "--image", copy.toString());
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("namespace0.3: arena 0 (offset 0x14001000): map entry 5 -> 0 out of range or mapped twice"),
                bad.err());
    }

    static String sha256(MemorySegment s) throws Exception {
        return sha256(s.toArray(ValueLayout.JAVA_BYTE));
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** 30-written-data.txt: what was written through /dev/pmem*, /dev/pmem0.3s and /dev/dax0.2. */
    @Test
    void writtenDataHashesAtComputedDataOffsets() throws Exception {
        String text = Fixtures.text(V11 + "30-written-data.txt");
        Pattern p = Pattern.compile("/dev/(\\S+) name=\\S+ (?:size=(\\d+) )?head\\(off=(\\d+),len=(\\d+)\\) sha256=(\\w+)"
                + "(?: tail\\(off=(\\d+),len=(\\d+)\\) sha256=(\\w+))?");
        Matcher m = p.matcher(text);
        int checked = 0;
        try (MappedImage img = MappedImage.open(v11(), MappedImage.Access.READ_ONLY)) {
            Region r = Region.open(img, RegionLayout.qemuNvdimm());
            while (m.find()) {
                String dev = m.group(1);
                Namespace n = r.namespaces().stream()
                        .filter(x -> dev.equals(x.blockdev(0)) || dev.equals(x.chardev(0))).findFirst().orElseThrow();
                if (m.group(2) != null) {
                    assertEquals(Long.parseLong(m.group(2)), n.size(), dev + " size");
                }
                assertEquals(m.group(5), read(n, Long.parseLong(m.group(3)), Integer.parseInt(m.group(4))), dev + " head");
                if (m.group(6) != null && n.btt() != null) {
                    sectorTail(n, Long.parseLong(m.group(6)), Integer.parseInt(m.group(7)), m.group(8));
                } else if (m.group(6) != null) {
                    assertEquals(m.group(8), read(n, Long.parseLong(m.group(6)), Integer.parseInt(m.group(7))),
                            dev + " tail");
                }
                checked++;
            }
        }
        assertEquals(5, checked, "pmem0, pmem0.1, pmem0.3s, pmem0.4 and dax0.2");
    }

    /** The fixture's pattern: 64-byte lines "PMEM-FIXTURE <dev>-<part> line %08d", space padded. */
    static byte[] pattern(String dev, String part, int lines) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            String l = String.format("PMEM-FIXTURE %s-%s line %08d", dev, part, i);
            sb.append(l).append(" ".repeat(63 - l.length())).append('\n');
        }
        return sb.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * The sector tail is on the media, whole and in order, but 32 KiB (8 blocks) before the offset
     * 30-written-data.txt records: our BTT read finds the recorded hash at LBA 16080, and LBAs
     * 16096..16103 still have their initial (never written) map entries. The head hash matches at
     * the recorded offset through the same map, so the map reading is right and the recorded tail
     * offset is what is off. The pattern generator is checked against the recorded hash too.
     */
    static void sectorTail(Namespace n, long off, int len, String sha) throws Exception {
        assertEquals(sha, sha256(pattern("pmem0.3s", "tail", len / 64)), "pattern generator");
        assertEquals(sha, sha256(n.btt().read(off - 8 * 4096, len)), "tail found 8 blocks earlier");
        Btt.ArenaInfo a = n.btt().arenas().get(0);
        for (long lba = 16096; lba < 16104; lba++) {
            int entry = n.segment().get(dev.pmemdump.io.Bytes.LE_U32, a.offset() + a.info().mapOff() + 4 * lba);
            assertEquals(0, entry, "map entry of never-written lba " + lba);
        }
    }

    static String read(Namespace n, long off, int len) throws Exception {
        if (n.btt() != null) {
            return sha256(n.btt().read(off, len));
        }
        return sha256(n.dataArea().asSlice(off, len));
    }

    /** The kdump-file inventory names file offsets: they must be our data offsets plus the written offsets. */
    @Test
    void kdumpFilePatternsSitAtComputedOffsets() throws Exception {
        String inv = Fixtures.text(KDUMP + "nvdimm-kdump-file.pattern-inventory.txt");
        Pattern p = Pattern.compile("name='kfile-(\\S+)-(head|tail)'.*\\n\\s+run off=0x(\\w+) end=0x(\\w+) .* sha256=(\\w+)");
        Matcher m = p.matcher(inv);
        int checked = 0;
        try (MappedImage img = MappedImage.open(Fixtures.unzstd(KDUMP + "nvdimm-kdump-file.img.zst"),
                MappedImage.Access.READ_ONLY)) {
            Region r = Region.open(img, RegionLayout.qemuNvdimm());
            while (m.find()) {
                String dev = m.group(1);
                Namespace n = r.namespaces().stream()
                        .filter(x -> dev.equals(x.blockdev(0)) || dev.equals(x.chardev(0))).findFirst().orElseThrow();
                long fileOff = Long.parseLong(m.group(3), 16);
                if (dev.equals("dax0.2") && m.group(2).equals("head")) {
                    // 34-iomem.txt: "10c200000-10fffffff : dax0.2" is where the dax data starts.
                    assertEquals(0x10c200000L, r.physAddress(n) + n.dataOffset());
                }
                long len = Long.parseLong(m.group(4), 16) - fileOff;
                long start = n.offset() + n.dataOffset();
                long off = m.group(2).equals("head") ? 0 : n.size() - len;
                assertEquals(start + off, fileOff, dev + " " + m.group(2) + " file offset");
                assertEquals(m.group(5), sha256(n.dataArea().asSlice(off, len)));
                checked++;
            }
        }
        assertEquals(6, checked);
    }

    @Test
    void staleSlotZeroIsNotALabel() throws Exception {
        try (MappedImage img = MappedImage.open(v11(), MappedImage.Access.READ_ONLY)) {
            Region r = Region.open(img, RegionLayout.qemuNvdimm());
            LabelArea a = r.labels();
            assertNotNull(a);
            assertEquals(true, a.isFree(0));
            assertEquals(NamespaceLabel.FLAG_UPDATING, a.rawLabel(0).flags());
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), a.liveLabels().stream().map(NamespaceLabel::slot).toList());
            assertEquals(0, a.currentIndex());
            assertEquals(1020, a.slots());
        }
    }
}
