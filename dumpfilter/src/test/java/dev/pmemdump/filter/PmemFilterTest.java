package dev.pmemdump.filter;

import dev.pmemdump.testing.Outputs;

import dev.pmemdump.filter.kdump.KdumpReader;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.MappedImage;
import dev.pmemdump.pmem.MapLocation;
import dev.pmemdump.pmem.Mode;
import dev.pmemdump.pmem.Namespace;
import dev.pmemdump.pmem.NamespaceSpec;
import dev.pmemdump.pmem.Region;
import dev.pmemdump.pmem.RegionLayout;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.vmcore.elf.ElfCore;
import dev.pmemdump.vmcore.elf.ElfCoreWriter;
import dev.pmemdump.vmcore.elf.ElfPhysicalMemory;
import dev.pmemdump.vmcore.elf.ProgramHeader;
import dev.pmemdump.vmcore.xlat.PhysicalMemory;
import dev.pmemdump.testing.FixtureTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * pmem handling on hand-built vmcores: the real 6.1 vmcore's RAM plus one PF_DEV PT_LOAD holding a
 * 32 MiB legacy pmem region made by the pmem-layout module (fsdax, memmap on the device for case D,
 * in RAM for case C), its user data filled with a canary.
 */
@FixtureTest
class PmemFilterTest {
    static final long PMEM_BASE = 0x1_0000_0000L;
    static final long PMEM_SIZE = 32L << 20;
    static final byte[] CANARY = "PMEM-USERDATA-CANARY-0123456789".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    static Path dir;
    static Path caseD;
    static Path caseC;
    static long dataOff;
    static String metadataSha;

    @BeforeAll
    static void build() throws IOException {
        caseD = vmcoreWithPmem("caseD", MapLocation.DEV);
        caseC = vmcoreWithPmem("caseC", MapLocation.MEM);
    }

    static Path vmcoreWithPmem(String name, MapLocation map) throws IOException {
        Path img = dir.resolve(name + ".pmem");
        try (MappedImage image = MappedImage.create(img, PMEM_SIZE)) {
            Region region = Region.open(image, RegionLayout.legacyE820(PMEM_BASE));
            Namespace ns = region.reconfigure(region.namespaces().get(0),
                    NamespaceSpec.of(Mode.FSDAX).withMap(map));
            MemorySegment data = ns.dataArea();
            for (long at = 0; at + CANARY.length <= data.byteSize(); at += 512) {
                MemorySegment.copy(MemorySegment.ofArray(CANARY), 0, data, at, CANARY.length);
            }
            MemorySegment memmap = ns.memmapArea();
            for (long at = 0; at < memmap.byteSize(); at += 64) {
                memmap.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, at, 0x1000_0000_0000_0400L | (at / 64));
            }
            image.force();
            if (map == MapLocation.DEV) {
                dataOff = ns.pfn().dataOff();
                metadataSha = HexFormat.of().formatHex(sha(image.segment().asSlice(0, dataOff)));
            }
        }
        Path vmcore = dir.resolve(name + ".vmcore");
        try (MappedImage fixture = MappedImage.open(Fixtures.unzstd("linux-6.1-qemu/kdump-file/vmcore.raw.zst"),
                MappedImage.Access.READ_ONLY);
             MappedImage pmem = MappedImage.open(img, MappedImage.Access.READ_ONLY)) {
            ElfCore core = ElfCore.open(fixture);
            ElfPhysicalMemory ram = new ElfPhysicalMemory(core);
            List<ProgramHeader> loads = new ArrayList<>();
            for (ProgramHeader ph : core.loads()) {
                loads.add(ph.withOffset(ph.paddr()));
            }
            loads.add(ProgramHeader.load(ProgramHeader.PF_RWX | ProgramHeader.PF_DEV, PMEM_BASE,
                    0xffff8885c0000000L + PMEM_BASE, PMEM_BASE, PMEM_SIZE));
            PhysicalMemory both = new PhysicalMemory() {
                @Override
                public String name() {
                    return "ram+pmem";
                }

                @Override
                public boolean isPresent(long address, long length) {
                    return address >= PMEM_BASE || ram.isPresent(address, length);
                }

                @Override
                public void read(long address, MemorySegment dst) throws CorruptInputException {
                    if (address >= PMEM_BASE) {
                        MemorySegment.copy(pmem.segment(), address - PMEM_BASE, dst, 0, dst.byteSize());
                    } else {
                        ram.read(address, dst);
                    }
                }
            };
            Outputs.written(vmcore, o -> ElfCoreWriter.writeVmcore(o, core.machine(), 4096, core.notes(), loads,
                    both));
        }
        return vmcore;
    }

    static byte[] sha(MemorySegment s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static ElfInputAcceptanceTest.Run run(String... args) {
        return ElfInputAcceptanceTest.makedumpfile(args);
    }

    static long reportValue(String out, String key) {
        String line = out.lines().filter(l -> l.trim().startsWith(key)).findFirst().orElseThrow(() ->
                new AssertionError("no " + key + " in\n" + out));
        return Long.decode(line.substring(line.indexOf(':') + 1).trim());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-l", "-c", "-p", "-z", "-E"})
    void caseDKeepsMetadataAndNeverUserData(String format) throws IOException {
        Path out = dir.resolve("d31" + format + ".dump");
        var r = run(format, "-d", "31", "--message-level", "31", caseD.toString(), out.toString());
        assertEquals(0, r.code(), r.err());
        long metaPages = dataOff / 4096;
        long total = PMEM_SIZE / 4096;
        assertEquals(0, reportValue(r.out(), "pmem metadata pages"));
        assertEquals(total - metaPages, reportValue(r.out(), "pmem userdata pages"));
        assertTrue(r.out().contains("pfn: [" + Long.toHexString(PMEM_BASE / 4096) + " - "
                + Long.toHexString(PMEM_BASE / 4096 + metaPages) + "), sha256[" + Long.toHexString(PMEM_BASE / 4096
                + metaPages) + "]: " + metadataSha + "\n"), r.out());
        assertTrue(r.out().contains("LOAD[ 3]        100000000        102000000 ffff8886c0000000 ffff8886c2000000"
                + "     true\n"), r.out());
        // RAM is filtered as without pmem: the counts of makedumpfile's recorded report; zero pages also
        // count the all-zero metadata pages (page 0 before the info block), which read back as zeros.
        byte[] pmemImage = Files.readAllBytes(dir.resolve("caseD.pmem"));
        long zeroMeta = 0;
        for (int p = 0; p < metaPages; p++) {
            zeroMeta += java.util.Arrays.equals(pmemImage, p * 4096, p * 4096 + 4096, new byte[4096], 0, 4096) ? 1 : 0;
        }
        assertTrue(zeroMeta >= 1);
        // With the pmem PT_LOAD max_mapnr is a multiple of 4, so makedumpfile's bitmaps take one cycle and
        // -E counts each pfn once, like -l (see CyclePlan).
        String rec = Fixtures.text("linux-6.1-qemu/kdump-file/host-analysis/makedumpfile-l-d31.txt");
        for (String key : List.of("Pages filled with zero", "Non-private cache pages", "User process data pages",
                "Free pages")) {
            long extra = key.startsWith("Pages filled") ? zeroMeta : 0;
            assertEquals(reportValue(rec, key) + extra, reportValue(r.out(), key), key);
        }
        byte[] page = new byte[4096];
        if (format.equals("-E")) {
            assertFalse(contains(Files.readAllBytes(out), CANARY), "canary in the ELF dump");
            try (MappedImage m = MappedImage.open(out, MappedImage.Access.READ_ONLY)) {
                ElfPhysicalMemory mem = new ElfPhysicalMemory(ElfCore.open(m));
                for (long p = 0; p < metaPages; p++) {
                    mem.read(PMEM_BASE + p * 4096, MemorySegment.ofArray(page));
                    assertArrayEquals(java.util.Arrays.copyOfRange(pmemImage, (int) p * 4096, (int) p * 4096 + 4096),
                            page, "metadata page " + p);
                }
            }
        } else {
            try (KdumpReader k = KdumpReader.open(out)) {
                var pages = k.readable();
                for (long p = pages.nextSet(0); p >= 0; p = pages.nextSet(p + 1)) {
                    k.read(p, page);
                    assertFalse(contains(page, CANARY), "canary in pfn 0x" + Long.toHexString(p));
                }
                long base = PMEM_BASE / 4096;
                assertEquals(metaPages, pages.cardinality(base, base + total), "pmem pages kept");
                for (long p = 0; p < metaPages; p++) {
                    k.read(base + p, page);
                    assertArrayEquals(java.util.Arrays.copyOfRange(pmemImage, (int) p * 4096, (int) p * 4096 + 4096),
                            page, "metadata page " + p);
                }
            }
        }
    }

    @Test
    void level63DropsExactlyTheMetadata() throws IOException {
        Path out = dir.resolve("d63.kdump");
        var r = run("-l", "-d", "63", "--message-level", "31", caseD.toString(), out.toString());
        assertEquals(0, r.code(), r.err());
        long metaPages = dataOff / 4096;
        assertEquals(metaPages, reportValue(r.out(), "pmem metadata pages"));
        assertEquals(PMEM_SIZE / 4096 - metaPages, reportValue(r.out(), "pmem userdata pages"));
        try (KdumpReader k = KdumpReader.open(out)) {
            long base = PMEM_BASE / 4096;
            assertEquals(0, k.readable().cardinality(base, base + PMEM_SIZE / 4096));
            assertEquals(63, k.header().dumpLevel());
        }
    }

    @Test
    void pmemIsExcludedEvenWithoutOtherDumpLevelBits() throws IOException {
        // RFC bug: exclusion ran only inside the struct-page scan, i.e. only when -d had 2|4|8|16.
        Path out = dir.resolve("d0.kdump");
        var r = run("-l", "-d", "0", "--message-level", "31", caseD.toString(), out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(PMEM_SIZE / 4096 - dataOff / 4096, reportValue(r.out(), "pmem userdata pages"));
        try (KdumpReader k = KdumpReader.open(out)) {
            long base = PMEM_BASE / 4096;
            // the last metadata page is kept (the RFC v3 off-by-one would drop it)
            assertTrue(k.readable().get(base + dataOff / 4096 - 1));
            assertFalse(k.readable().get(base + dataOff / 4096));
        }
    }

    @Test
    void caseCHasNoPmemMetadata() throws IOException {
        Path out = dir.resolve("caseC.kdump");
        var r = run("-l", "-d", "31", "--message-level", "31", caseC.toString(), out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(0, reportValue(r.out(), "pmem metadata pages"));
        assertEquals(PMEM_SIZE / 4096, reportValue(r.out(), "pmem userdata pages"));
        assertFalse(r.out().contains("pfn: ["));
    }

    @Test
    void infoblockImageGivesTheRangesAndJsonReport() throws IOException {
        Path out = dir.resolve("ib.kdump");
        Path json = dir.resolve("report.json");
        var r = run("-l", "-d", "31", "--pmem-infoblock", dir.resolve("caseD.pmem") + "@0x100000000",
                "--json-report", json.toString(), "--message-level", "31", caseC.toString(), out.toString());
        assertEquals(0, r.code(), r.err());
        // case C's vmcore with case D's info block: the block decides, so its range is kept
        assertEquals(dataOff / 4096, PMEM_SIZE / 4096 - reportValue(r.out(), "pmem userdata pages"));
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
        assertEquals(reportValue(r.out(), "pmem userdata pages"), tree.get("pmem_userdata_pages").asLong());
        assertEquals(PMEM_BASE / 4096, tree.get("pmem_metadata_ranges").get(0).get("start_pfn").asLong());
        assertEquals("device", tree.get("pmem_metadata_ranges").get(0).get("location").asText());
    }

    @Test
    void deviceBackedVmemmapFromIomem() throws IOException {
        Path iomem = dir.resolve("iomem.txt");
        Files.writeString(iomem, "00100000-0effffff : System RAM\n100000000-101ffffff : Persistent Memory\n"
                + "  100000000-1001fffff : Device Backed Vmemmap\n");
        Path out = dir.resolve("iomem.kdump");
        var r = run("-l", "-d", "31", "--iomem", iomem.toString(), "--message-level", "31", caseC.toString(),
                out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(512, PMEM_SIZE / 4096 - reportValue(r.out(), "pmem userdata pages"));
    }

    @Test
    void regionsMinidumpKeepsNamedRegionsAndNoUserData() throws IOException {
        Path out = dir.resolve("mini.elf");
        var r = run("--regions", "vmcoreinfo,pmem-metadata,sym:init_uts_ns:390,0x1000000+64K", caseD.toString(),
                out.toString());
        assertEquals(0, r.code(), r.err());
        byte[] all = Files.readAllBytes(out);
        assertFalse(contains(all, CANARY));
        assertTrue(all.length < (2L << 20) + dataOff, "a minidump, not a dump: " + all.length);
        try (MappedImage mini = MappedImage.open(out, MappedImage.Access.READ_ONLY);
             MappedImage in = MappedImage.open(caseD, MappedImage.Access.READ_ONLY)) {
            ElfCore m = ElfCore.open(mini);
            ElfCore v = ElfCore.open(in);
            assertEquals(v.notes(), m.notes());
            ElfPhysicalMemory src = new ElfPhysicalMemory(v);
            boolean sawMetadata = false;
            boolean sawUts = false;
            for (ProgramHeader ph : m.loads()) {
                byte[] want = new byte[(int) ph.filesz()];
                src.read(ph.paddr(), MemorySegment.ofArray(want));
                assertArrayEquals(want, m.data(ph).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                        "region at 0x" + Long.toHexString(ph.paddr()));
                assertEquals(ProgramHeader.PF_R | ProgramHeader.PF_W, ph.flags());
                sawMetadata |= ph.paddr() == PMEM_BASE && ph.filesz() == dataOff;
                sawUts |= ph.vaddr() == 0xffffffffafbfb000L;
            }
            assertTrue(sawMetadata && sawUts);
        }
        var bad = run("--regions", "0x101000000+4K", caseD.toString(), dir.resolve("bad-mini.elf").toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("overlaps pmem user data"), bad.err());
        assertFalse(Files.exists(dir.resolve("bad-mini.elf")));
    }

    static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

}
