package dev.pmemdump.images;

import static org.junit.jupiter.api.Assertions.*;

import dev.pmemdump.io.MappedImage;
import dev.pmemdump.io.Progress;
import dev.pmemdump.testing.Tools;
import dev.pmemdump.vmcore.elf.ElfCore;
import dev.pmemdump.vmcore.elf.ElfPhysicalMemory;
import dev.pmemdump.testing.OracleTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The built scenarios against the real tools: readelf reads every vmcore without a warning,
 * makedumpfile 1.7.2's -d 31 report equals the manifest, its -d 0 output holds the pmem metadata
 * whose sha256 the manifest gives, and libkdumpfile reads VMCOREINFO and memory equal to the images.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@OracleTest
class RealToolsAcceptanceTest {
    static final List<String> LABELS = List.of("Pages filled with zero", "Non-private cache pages",
            "Private cache pages", "User process data pages", "Free pages");

    private Path root;
    private final Map<String, Manifest> manifests = new LinkedHashMap<>();

    /** 256 MiB of RAM and a 256 MiB pmem region with the three namespace kinds, RFC kernel. */
    static Scenario smallWithPmem(long seed, String kexecMode) {
        Scenario s = FirstKernelTest.small(seed);
        return new Scenario(s.kernelRelease(), 3, s.ram(), s.crashkernel(), s.kernelPhys(), kexecMode, true,
                List.of(new Scenario.PmemRegion("0x100000000", "256M", false, List.of(
                        new Scenario.Namespace("fsdax-dev", "fsdax", "dev", "64M", "2M"),
                        new Scenario.Namespace("fsdax-mem", "fsdax", "mem", "32M", "2M"),
                        new Scenario.Namespace("devdax", "devdax", "dev", "32M", "2M")))),
                s.pageMix(), s.canaries(), seed);
    }

    /** RAM only as far as the vmcore goes: an e820 legacy pmem region is never dumped. */
    static Scenario ramOnlyLoadMode(long seed) {
        Scenario s = FirstKernelTest.small(seed);
        return new Scenario(s.kernelRelease(), 1, s.ram(), s.crashkernel(), s.kernelPhys(), "load", true,
                List.of(new Scenario.PmemRegion("0x100000000", "64M", true, null)), s.pageMix(), s.canaries(), seed);
    }

    @BeforeAll
    void build() throws Exception {
        Tools.require("makedumpfile");
        root = Files.createTempDirectory("images-acceptance");
        Map<String, Scenario> scenarios = new LinkedHashMap<>();
        scenarios.put("ram-load", ramOnlyLoadMode(2));
        scenarios.put("pmem-file", smallWithPmem(3, "file"));
        scenarios.put("pmem-load", smallWithPmem(4, "load"));
        scenarios.put("default", Scenario.defaultScenario());
        for (var e : scenarios.entrySet()) {
            manifests.put(e.getKey(), ImageBuilder.build(e.getValue(), root.resolve(e.getKey()), Progress.silent()));
        }
    }

    @AfterAll
    void clean() throws Exception {
        if (root != null) {
            try (var walk = Files.walk(root)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private Path vmcore(String name) {
        return root.resolve(name).resolve(ImageBuilder.VMCORE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ram-load", "pmem-file", "pmem-load", "default"})
    void readelfReadsTheVmcoreWithoutWarnings(String name) throws Exception {
        Path readelf = Tools.require("readelf");
        Tools.Run r = Tools.run(List.of(readelf.toString(), "-l", "-n", "-W", vmcore(name).toString()), null, 60)
                .assertOk();
        assertEquals("", r.stderr());
        assertFalse(r.stdout().toLowerCase().contains("warning"), r.stdout());
        assertTrue(r.stdout().contains("VMCOREINFO") && r.stdout().contains("NT_PRSTATUS"), r.stdout());
        boolean pmem = name.startsWith("pmem") || name.equals("default");
        assertEquals(pmem, r.stdout().contains("0x0000000100000000"), r.stdout());
        if (name.equals("ram-load")) {
            assertTrue(Files.readString(root.resolve(name).resolve(ImageBuilder.IOMEM)).contains(
                    "100000000-103ffffff : Persistent Memory (legacy)\n  100000000-103ffffff : namespace0.0\n"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ram-load", "pmem-file", "pmem-load", "default"})
    void makedumpfileReportEqualsTheManifest(String name) {
        Path tool = Tools.require("makedumpfile");
        ExpectedReport.Report want = manifests.get(name).expectedReport();
        Tools.Run l = report(tool, vmcore(name), root.resolve(name + ".kdump"), "-l", "-d", "31");
        assertEquals(counts(want.eachPfnOnce()), reportCounts(l.stdout()), l.stdout());
        Tools.Run e = report(tool, vmcore(name), root.resolve(name + ".elf"), "-E", "-d", "31");
        assertEquals(counts(want.eachPfnOnce()), reportCounts(e.stdout()), e.stdout());
        // Many small cycles: the ELF writer counts per PT_LOAD (kernel text twice).
        Tools.Run c = report(tool, vmcore(name), root.resolve(name + ".c.elf"), "-E", "-d", "31",
                "--cyclic-buffer", "1");
        assertEquals(counts(want.perLoad()), reportCounts(c.stdout()), c.stdout());
    }

    @Test
    void deviceDumpOfTheDefaultScenarioIsTheFirstNote() throws Exception {
        Path readelf = Tools.require("readelf");
        Tools.Run r = Tools.run(List.of(readelf.toString(), "-n", "-W", vmcore("default").toString()), null, 60)
                .assertOk();
        int linux = r.stdout().indexOf("LINUX");
        assertTrue(linux > 0 && linux < r.stdout().indexOf("CORE"), r.stdout());
        Manifest.DeviceDumpEntry want = manifests.get("default").deviceDumps().getFirst();
        try (MappedImage img = MappedImage.open(vmcore("default"), MappedImage.Access.READ_ONLY)) {
            var notes = ElfCore.open(img).notes();
            var dump = notes.getFirst();
            assertEquals(want.name(), dev.pmemdump.vmcore.dd.DeviceDumps.dumpName(dump));
            byte[] data = dev.pmemdump.vmcore.dd.DeviceDumps.data(dump);
            // vmcoredd pads the data so that header + data fill whole pages
            assertEquals(0, (data.length + 64) % 4096);
            byte[] head = java.util.Arrays.copyOf(data, (int) want.size());
            assertEquals(want.sha256(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(head)));
            for (int i = head.length; i < data.length; i++) {
                assertEquals(0, data[i]);
            }
        }
    }

    @Test
    void pmemPtLoadsCarryPfDevWithTheRfcKernel() throws Exception {
        for (String name : List.of("ram-load", "pmem-file", "pmem-load")) {
            try (MappedImage img = MappedImage.open(vmcore(name), MappedImage.Access.READ_ONLY)) {
                var loads = ElfCore.open(img).loads();
                var pmem = loads.stream().filter(ph -> ph.isPmem()).toList();
                if (name.equals("ram-load")) {
                    assertTrue(pmem.isEmpty(), name);
                } else {
                    assertEquals(1, pmem.size(), name);
                    assertEquals(0x17, pmem.getFirst().flags());
                    assertEquals(0x100000000L, pmem.getFirst().paddr());
                    assertEquals(256L << 20, pmem.getFirst().memsz());
                }
            }
        }
    }

    /**
     * In kdump format (-l) excluded pages are gone (-E keeps short runs of excluded pages), so each
     * canary must be readable from it exactly when the manifest says -d 31 keeps it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ram-load", "pmem-file"})
    void canariesSurviveD31ExactlyAsTheManifestSays(String name) throws Exception {
        Path tool = Tools.require("makedumpfile");
        Path py = Tools.requirePython("kdumpfile");
        Path out = root.resolve(name + ".canary.kdump");
        makedumpfile(tool, vmcore(name), out, "-l", "-d", "31").assertOk();
        try {
            Path script = root.resolve("canaries.py");
            Files.writeString(script, """
                    import json, sys
                    import kdumpfile
                    k = kdumpfile.kdumpfile(sys.argv[1])
                    for c in json.load(open(sys.argv[2]))["canaries"]:
                        try:
                            got = bytes(k.read(kdumpfile.KDUMP_MACHPHYSADDR, c["physAddress"], len(c["text"])))
                        except Exception:
                            got = b""
                        print("canary", c["text"], "kept" if got == c["text"].encode() else "gone")
                    """);
            Tools.Run r = Tools.run(List.of(py.toString(), script.toString(), out.toString(),
                    root.resolve(name).resolve(ImageBuilder.MANIFEST).toString()), root, 120).assertOk();
            int kept = 0;
            for (Manifest.CanaryEntry c : manifests.get(name).canaries()) {
                assertTrue(r.stdout().contains("canary " + c.text() + (c.keptAtD31() ? " kept" : " gone")),
                        c + "\n" + r.stdout());
                kept += c.keptAtD31() ? 1 : 0;
            }
            assertEquals(name.equals("pmem-file") ? 2 : 1, kept);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Test
    void makedumpfileD0KeepsThePmemMetadataTheManifestHashes() throws Exception {
        Path tool = Tools.require("makedumpfile");
        Path out = root.resolve("d0.elf");
        makedumpfile(tool, vmcore("pmem-file"), out, "-E", "-d", "0").assertOk();
        Manifest m = manifests.get("pmem-file");
        // two namespaces with the memmap on the device, one (32 MiB) with 128 vmemmap pages in RAM
        assertEquals(List.of(Manifest.MetadataRange.DEVICE, Manifest.MetadataRange.RAM, Manifest.MetadataRange.DEVICE),
                m.pmemMetadata().stream().map(Manifest.MetadataRange::location).toList());
        Manifest.MetadataRange ram = m.pmemMetadata().get(1);
        assertEquals(128, ram.endPfn() - ram.startPfn());
        assertTrue(ram.endPfn() <= 256L << 20 >> 12, "RAM pfns " + ram);
        try (MappedImage img = MappedImage.open(out, MappedImage.Access.READ_ONLY)) {
            ElfPhysicalMemory mem = new ElfPhysicalMemory(ElfCore.open(img));
            for (Manifest.MetadataRange r : m.pmemMetadata()) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                for (long pfn = r.startPfn(); pfn < r.endPfn(); pfn++) {
                    md.update(mem.read(pfn << 12, 4096));
                }
                assertEquals(r.sha256(), HexFormat.of().formatHex(md.digest()), r.namespace());
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Test
    void kmemdumpCoreImageReadsWithReadelfAndHoldsVmcoreinfoAndTheMetadata() throws Exception {
        Path readelf = Tools.require("readelf");
        Path core = root.resolve("pmem-file").resolve(ImageBuilder.KMEMDUMP);
        Tools.Run r = Tools.run(List.of(readelf.toString(), "-l", "-n", "-W", core.toString()), null, 60).assertOk();
        assertEquals("", r.stderr());
        assertTrue(r.stdout().contains("NT_PRPSINFO") && r.stdout().contains("VMCOREINFO"), r.stdout());
        try (MappedImage img = MappedImage.open(core, MappedImage.Access.READ_ONLY)) {
            ElfCore elf = ElfCore.open(img);
            assertEquals(Files.readString(root.resolve("pmem-file").resolve(ImageBuilder.VMCOREINFO)),
                    dev.pmemdump.vmcore.VmcoreInfoNote.from(elf).text());
            ElfPhysicalMemory mem = new ElfPhysicalMemory(elf);
            for (Manifest.MetadataRange md : manifests.get("pmem-file").pmemMetadata()) {
                MessageDigest d = MessageDigest.getInstance("SHA-256");
                for (long pfn = md.startPfn(); pfn < md.endPfn(); pfn++) {
                    d.update(mem.read(pfn << 12, 4096));
                }
                assertEquals(md.sha256(), HexFormat.of().formatHex(d.digest()), md.namespace());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pmem-file", "default"})
    void libkdumpfileReadsVmcoreinfoAndMemoryEqualToTheImages(String name) throws Exception {
        Path py = Tools.requirePython("kdumpfile");
        Path dir = root.resolve(name);
        Path script = root.resolve("check.py");
        Files.writeString(script, PY_CHECK);
        List<String> cmd = new ArrayList<>(List.of(py.toString(), script.toString(), dir.toString()));
        Tools.Run r = Tools.run(cmd, dir, 300).assertOk();
        Manifest m = manifests.get(name);
        assertTrue(r.stdout().contains("vmcoreinfo equal"), r.stdout());
        assertTrue(r.stdout().contains("uts Linux 6.1.0-56-amd64"), r.stdout());
        for (Manifest.CanaryEntry c : m.canaries()) {
            assertTrue(r.stdout().contains("canary " + c.text() + " " + c.physAddress()), r.stdout());
        }
        for (Manifest.MetadataRange md : m.pmemMetadata()) {
            assertTrue(r.stdout().contains("metadata " + md.namespace() + " " + md.sha256()), r.stdout());
        }
        Matcher x = Pattern.compile("pages compared (\\d+) differing (\\d+)").matcher(r.stdout());
        assertTrue(x.find(), r.stdout());
        assertTrue(Long.parseLong(x.group(1)) > 1000, r.stdout());
        assertEquals("0", x.group(2), r.stdout());
    }

    @Test
    void drgnOpensTheVmcoreAsALinuxKernelCore() throws Exception {
        Path py = Tools.requirePython("drgn");
        Path dir = root.resolve("pmem-file");
        Path script = root.resolve("drgn_check.py");
        Files.writeString(script, """
                import json, os, sys
                import drgn
                d = sys.argv[1]
                p = drgn.Program()
                p.set_core_dump(os.path.join(d, "vmcore"))
                print("flags", p.flags)
                info = dict(l.split("=", 1) for l in open(os.path.join(d, "vmcoreinfo.txt")).read().splitlines())
                uts = int(info["SYMBOL(init_uts_ns)"], 16)
                print("release", p.read(uts + 130, 65).split(b"\\0")[0].decode())
                for c in json.load(open(os.path.join(d, "manifest.json")))["canaries"]:
                    print("canary", p.read(c["physAddress"], len(c["text"]), True).decode(), c["physAddress"])
                """);
        Tools.Run r = Tools.run(List.of(py.toString(), script.toString(), dir.toString()), dir, 120).assertOk();
        assertTrue(r.stdout().contains("IS_LINUX_KERNEL"), r.stdout());
        assertTrue(r.stdout().contains("release 6.1.0-56-amd64"), r.stdout());
        for (Manifest.CanaryEntry c : manifests.get("pmem-file").canaries()) {
            assertTrue(r.stdout().contains("canary " + c.text() + " " + c.physAddress()), r.stdout());
        }
    }

    /** Reads through libkdumpfile only; compares with the image files read as plain files. */
    static final String PY_CHECK = """
            import hashlib, json, os, random, sys
            import kdumpfile
            d = sys.argv[1]
            k = kdumpfile.kdumpfile(os.path.join(d, "vmcore"))
            k.attr['addrxlat.ostype'] = 'linux'
            raw = bytes(k.attr['linux.vmcoreinfo.raw'])
            if raw == open(os.path.join(d, "vmcoreinfo.txt"), "rb").read():
                print("vmcoreinfo equal")
            info = dict(l.split("=", 1) for l in raw.decode().splitlines())
            uts = int(info["SYMBOL(init_uts_ns)"], 16)
            name = k.read(kdumpfile.KDUMP_KVADDR, uts, 65).split(b"\\0")[0].decode()
            rel = k.read(kdumpfile.KDUMP_KVADDR, uts + 130, 65).split(b"\\0")[0].decode()
            print("uts", name, rel)
            m = json.load(open(os.path.join(d, "manifest.json")))
            P = kdumpfile.KDUMP_MACHPHYSADDR
            for c in m["canaries"]:
                got = bytes(k.read(P, c["physAddress"], len(c["text"]))).decode()
                if got == c["text"]:
                    print("canary", got, c["physAddress"])
            for r in m["pmemMetadata"]:
                h = hashlib.sha256()
                for pfn in range(r["startPfn"], r["endPfn"]):
                    h.update(k.read(P, pfn * 4096, 4096))
                print("metadata", r["namespace"], h.hexdigest())
            images = [(0, os.path.join(d, "ram.img"))]
            i = 0
            while os.path.exists(os.path.join(d, "pmem%d.img" % i)):
                images.append((0x100000000, os.path.join(d, "pmem%d.img" % i)))
                i += 1
            rnd = random.Random(7)
            compared = differing = 0
            for base, path in images:
                size = os.path.getsize(path)
                with open(path, "rb") as f:
                    for _ in range(1500):
                        pa = base + rnd.randrange(0, size // 4096 - 32) * 4096
                        try:
                            got = bytes(k.read(P, pa, 4096))
                        except Exception:
                            continue
                        f.seek(pa - base)
                        compared += 1
                        if got != f.read(4096):
                            differing += 1
            print("pages compared", compared, "differing", differing)
            """;

    static Map<String, Long> reportCounts(String stdout) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String label : LABELS) {
            Matcher x = Pattern.compile(Pattern.quote(label) + "\\s*: 0x([0-9a-f]+)").matcher(stdout);
            assertTrue(x.find(), "no '" + label + "' in\n" + stdout);
            m.put(label, Long.parseLong(x.group(1), 16));
        }
        return m;
    }

    static Map<String, Long> counts(ExpectedReport.Counts c) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put(LABELS.get(0), c.zero());
        m.put(LABELS.get(1), c.nonPrivateCache());
        m.put(LABELS.get(2), c.privateCache());
        m.put(LABELS.get(3), c.user());
        m.put(LABELS.get(4), c.free());
        return m;
    }

    static Tools.Run makedumpfile(Path tool, Path vmcore, Path out, String... options) {
        List<String> cmd = new ArrayList<>(List.of(tool.toString()));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of("--message-level", "31", vmcore.toString(), out.toString()));
        return Tools.run(cmd, out.getParent(), 600);
    }

    /** Runs makedumpfile for its report only; the dump it writes is deleted. */
    static Tools.Run report(Path tool, Path vmcore, Path out, String... options) {
        try {
            return makedumpfile(tool, vmcore, out, options).assertOk();
        } finally {
            out.toFile().delete();
        }
    }
}
