package dev.pmemdump.images.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmemdump.images.kernel.RoundTripPlan.Planned;
import dev.pmemdump.io.MappedImage;
import dev.pmemdump.pmem.Namespace;
import dev.pmemdump.pmem.Region;
import dev.pmemdump.pmem.RegionLayout;
import dev.pmemdump.testing.QemuTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.pmemdump.images.kernel.RoundTripPlan.DATA_LENGTH;
import static dev.pmemdump.images.kernel.RoundTripPlan.IMAGE_SIZE;
import static dev.pmemdump.images.kernel.RoundTripPlan.LABEL_VERSIONS;
import static dev.pmemdump.images.kernel.RoundTripPlan.NAMESPACES;
import static dev.pmemdump.images.kernel.RoundTripPlan.sha256;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real ndctl in a real kernel builds every namespace personality on an all-zero NVDIMM, once with
 * labels v1.1 and once with v1.2, and writes known data through /dev/pmemX and /dev/daxX.Y; the
 * images come back out for the host to check (and, with pmemdump's reader, to read). One boot per
 * label version serves the whole class.
 */
@QemuTest
class RealNdctlNamespacesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static final Map<String, NvdimmGuest.Boot> boots = new HashMap<>();

    @BeforeAll
    static void buildNamespacesInTheGuest() throws IOException {
        for (String version : LABEL_VERSIONS) {
            Path share = Files.createDirectories(dir.resolve(version).resolve("share"));
            Files.createDirectories(share.resolve("data"));
            StringBuilder plan = new StringBuilder();
            for (Planned p : NAMESPACES) {
                plan.append(p.name()).append(' ').append(p.options()).append('\n');
                Files.write(dataFile(version, p), RoundTripPlan.data(version, p));
            }
            Files.writeString(share.resolve("namespaces.txt"), plan);
            Files.writeString(share.resolve("data-length"), Integer.toString(DATA_LENGTH));
            Files.writeString(share.resolve("label-version"), version);
            try (RandomAccessFile f = new RandomAccessFile(image(version).toFile(), "rw")) {
                f.setLength(IMAGE_SIZE);
            }
            boots.put(version, NvdimmGuest.run(image(version), share, "real-ndctl-namespaces.sh", Duration.ofMinutes(10)));
        }
    }

    static Path image(String version) {
        return dir.resolve(version).resolve("nvdimm.img");
    }

    private static Path dataFile(String version, Planned p) {
        return dir.resolve(version).resolve("share/data/" + p.name() + ".bin");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.1", "1.2"})
    void theImagesLabelAreaHoldsWhatTheKernelRead(String version) throws IOException {
        byte[] kernelRead = Files.readAllBytes(boots.get(version).out("out/labels.bin"));
        assertEquals(NvdimmGuest.LABEL_SIZE, kernelRead.length);
        assertArrayEquals(kernelRead, bytes(image(version), IMAGE_SIZE - NvdimmGuest.LABEL_SIZE, (int) NvdimmGuest.LABEL_SIZE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.1", "1.2"})
    void bothIndexBlocksHaveTheRequestedLabelVersion(String version) throws IOException {
        JsonNode dimm = json(version, "out/read-labels.json").get(0);
        assertEquals(2, dimm.get("index").size());
        for (JsonNode index : dimm.get("index")) {
            assertEquals("NAMESPACE_INDEX", index.get("signature").asText());
            assertEquals(version, index.get("major").asInt() + "." + index.get("minor").asInt());
        }
        Set<String> labelled = new HashSet<>();
        dimm.get("label").forEach(label -> labelled.add(label.get("uuid").asText()));
        Set<String> namespaces = new HashSet<>();
        for (JsonNode ns : json(version, "out/list-N-v.json")) {
            namespaces.add(ns.path("raw_uuid").asText(ns.get("uuid").asText()));
        }
        assertEquals(namespaces, labelled, "a label for every namespace's uuid (raw_uuid under an info block)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.1", "1.2"})
    void everyPersonalityIsListedWithItsModeAndMap(String version) throws IOException {
        Map<String, JsonNode> listed = new HashMap<>();
        for (JsonNode ns : json(version, "out/list-N-v.json")) {
            listed.put(ns.get("dev").asText(), ns);
        }
        Map<String, String> created = created(version);
        assertEquals(created.size(), listed.size());
        Set<String> uuids = new HashSet<>();
        for (Planned p : NAMESPACES) {
            JsonNode ns = listed.get(created.get(p.name()));
            assertEquals(p.mode(), ns.get("mode").asText(), p.name());
            assertEquals(p.map(), ns.hasNonNull("map") ? ns.get("map").asText() : null, p.name());
            assertTrue(ns.get("size").asLong() > 0, p.name());
            assertTrue(uuids.add(ns.get("uuid").asText()), p.name() + " has its own uuid");
            switch (p.mode()) {
                case "devdax" -> assertTrue(ns.at("/daxregion/devices/0/chardev").asText().startsWith("dax"), p.name());
                case "sector" -> assertTrue(ns.get("blockdev").asText().endsWith("s"), p.name());
                default -> assertTrue(ns.get("blockdev").asText().startsWith("pmem"), p.name());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.1", "1.2"})
    void knownDataReadsBackThroughEveryDevice(String version) throws IOException {
        Map<String, GuestNamespace> recorded = GuestNamespace.byName(boots.get(version).text("out/namespaces.txt"));
        for (Planned p : NAMESPACES) {
            GuestNamespace ns = recorded.get(created(version).get(p.name()));
            assertEquals(p.mode(), ns.mode(), p.name());
            assertEquals(sha256(Files.readAllBytes(dataFile(version, p))), ns.sha256(), p.name() + " through /dev/" + ns.device());
        }
    }

    /**
     * Where the kernel says each data area starts (the pfn or dax info block's data offset, the
     * namespace start when raw), the image holds the data written through the device; behind a
     * BTT it does not, since the BTT's own blocks come first.
     */
    @ParameterizedTest
    @ValueSource(strings = {"1.1", "1.2"})
    void theImageHoldsTheDataAtTheKernelsDataOffset(String version) throws IOException {
        long region = Long.decode(boots.get(version).text("out/region-resource").trim());
        Map<String, GuestNamespace> recorded = GuestNamespace.byName(boots.get(version).text("out/namespaces.txt"));
        for (Planned p : NAMESPACES) {
            GuestNamespace ns = recorded.get(created(version).get(p.name()));
            String expected = sha256(Files.readAllBytes(dataFile(version, p)));
            if (p.mode().equals("sector")) {
                assertFalse(ns.dataStart().isPresent(), p.name());
                assertNotEquals(expected, sha256(bytes(image(version), ns.start() - region, DATA_LENGTH)), p.name());
            } else {
                long offset = ns.dataStart().orElseThrow() - region;
                assertEquals(p.mode().equals("raw"), offset == ns.start() - region, p.name() + " data offset " + offset);
                assertEquals(expected, sha256(bytes(image(version), offset, DATA_LENGTH)), p.name() + " at image offset 0x" + Long.toHexString(offset));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.1", "1.2"})
    void pmemdumpListsTheNamespacesAsNdctlDid(String version) {
        assertEquals(boots.get(version).text("out/list-N-v.json"),
                PmemdumpNdctl.run("list", "-N", "-v", "--image", image(version).toString()));
        assertEquals(boots.get(version).text("out/list-RDN.json"),
                PmemdumpNdctl.run("list", "-RDN", "--image", image(version).toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.1", "1.2"})
    void pmemdumpReadsTheLabelsAsNdctlDid(String version) {
        assertEquals(boots.get(version).text("out/read-labels.json"),
                PmemdumpNdctl.run("read-labels", "-j", "nmem0", "--image", image(version).toString()));
    }

    /**
     * pmemdump's data offset of each namespace is where the kernel put the data, and the data
     * there (through the BTT map for sector) is what was written through the device.
     */
    @ParameterizedTest
    @ValueSource(strings = {"1.1", "1.2"})
    void pmemdumpFindsTheDataWhereTheKernelPutIt(String version) throws IOException {
        long region = Long.decode(boots.get(version).text("out/region-resource").trim());
        Map<String, GuestNamespace> recorded = GuestNamespace.byName(boots.get(version).text("out/namespaces.txt"));
        try (MappedImage img = MappedImage.open(image(version), MappedImage.Access.READ_ONLY)) {
            Region r = Region.open(img, RegionLayout.qemuNvdimm());
            for (Planned p : NAMESPACES) {
                String dev = created(version).get(p.name());
                Namespace ns = r.namespace(dev);
                GuestNamespace seen = recorded.get(dev);
                assertEquals(seen.start() - region, ns.offset(), p.name() + " namespace offset");
                byte[] data;
                if (ns.btt() != null) {
                    data = ns.btt().read(0, DATA_LENGTH);
                } else {
                    assertEquals(seen.dataStart().orElseThrow() - region, ns.offset() + ns.dataOffset(), p.name() + " data offset");
                    data = ns.dataArea().asSlice(0, DATA_LENGTH).toArray(ValueLayout.JAVA_BYTE);
                }
                assertEquals(sha256(Files.readAllBytes(dataFile(version, p))), sha256(data), p.name() + " data");
            }
        }
    }

    /** Test name of each namespace to the kernel's name for it ("fsdax-dev" to "namespace0.0"). */
    static Map<String, String> created(String version) {
        Map<String, String> m = new HashMap<>();
        for (String line : boots.get(version).text("out/created.txt").split("\n")) {
            String[] f = line.split(" ");
            m.put(f[0], f[1]);
        }
        return m;
    }

    static JsonNode json(String version, String relative) throws IOException {
        return JSON.readTree(boots.get(version).out(relative).toFile());
    }

    static byte[] bytes(Path file, long offset, int length) throws IOException {
        try (MappedImage img = MappedImage.open(file, MappedImage.Access.READ_ONLY)) {
            return img.slice(offset, length, "test data").toArray(ValueLayout.JAVA_BYTE);
        }
    }
}
