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
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.pmemdump.images.kernel.RoundTripPlan.DATA_LENGTH;
import static dev.pmemdump.images.kernel.RoundTripPlan.IMAGE_SIZE;
import static dev.pmemdump.images.kernel.RoundTripPlan.LABEL_VERSIONS;
import static dev.pmemdump.images.kernel.RoundTripPlan.NAMESPACES;
import static dev.pmemdump.images.kernel.RoundTripPlan.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The other direction: pmemdump builds every personality of {@link RoundTripPlan} in an all-zero
 * image (labels v1.1, then v1.2, with the ndctl options {@link RealNdctlNamespacesTest} gives real
 * ndctl) and writes known data at each data offset it computed; the real kernel and ndctl must list
 * the same namespaces and read the same data through /dev/pmemX and /dev/daxX.Y. Sector namespaces
 * go the other way round: the guest writes through the kernel's BTT and pmemdump reads it back
 * through its own. One boot per label version.
 */
@QemuTest
class PmemdumpNamespacesInKernelTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static final Map<String, NvdimmGuest.Boot> boots = new HashMap<>();
    /** Per label version: pmemdump's list -N -v, list -RDN and read-labels -j before the boot. */
    static final Map<String, String> listedBefore = new HashMap<>();
    static final Map<String, String> regionsBefore = new HashMap<>();
    static final Map<String, String> labelsBefore = new HashMap<>();
    /** Per label version: test name of each namespace to pmemdump's create-namespace JSON. */
    static final Map<String, Map<String, JsonNode>> created = new HashMap<>();

    @BeforeAll
    static void buildWithPmemdumpAndBoot() throws IOException {
        for (String version : LABEL_VERSIONS) {
            Path share = Files.createDirectories(dir.resolve(version).resolve("share"));
            Files.createDirectories(share.resolve("data"));
            String img = image(version).toString();
            PmemdumpNdctl.run("create-image", "-s", IMAGE_SIZE + "", img);
            PmemdumpNdctl.run("init-labels", "-V", version, "nmem0", "--image", img);
            Map<String, JsonNode> made = new HashMap<>();
            for (Planned p : NAMESPACES) {
                List<String> args = new ArrayList<>(List.of("create-namespace", "-r", "region0"));
                args.addAll(List.of(p.options().split(" ")));
                args.addAll(List.of("--image", img));
                made.put(p.name(), JSON.readTree(PmemdumpNdctl.run(args.toArray(String[]::new))));
            }
            created.put(version, made);

            StringBuilder guestWrites = new StringBuilder();
            try (MappedImage m = MappedImage.open(image(version), MappedImage.Access.READ_WRITE)) {
                Region r = Region.open(m, RegionLayout.qemuNvdimm());
                for (Planned p : NAMESPACES) {
                    Namespace ns = r.namespace(made.get(p.name()).get("dev").asText());
                    Files.write(dataFile(version, p), RoundTripPlan.data(version, p));
                    if (ns.btt() != null) {
                        guestWrites.append(ns.dev()).append(" data/").append(p.name()).append(".bin\n");
                    } else {
                        ns.dataArea().asSlice(0, DATA_LENGTH).copyFrom(MemorySegment.ofArray(Files.readAllBytes(dataFile(version, p))));
                    }
                }
                m.force();
            }
            listedBefore.put(version, PmemdumpNdctl.run("list", "-N", "-v", "--image", img));
            regionsBefore.put(version, PmemdumpNdctl.run("list", "-RDN", "--image", img));
            labelsBefore.put(version, PmemdumpNdctl.run("read-labels", "-j", "nmem0", "--image", img));

            Files.writeString(share.resolve("data-length"), Integer.toString(DATA_LENGTH));
            Files.writeString(share.resolve("guest-writes.txt"), guestWrites);
            boots.put(version, NvdimmGuest.run(image(version), share, "pmemdump-namespaces.sh", Duration.ofMinutes(10)));
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
    void ndctlListsWhatPmemdumpBuilt(String version) {
        assertEquals(listedBefore.get(version), boots.get(version).text("out/list-N-v.json"));
        assertEquals(regionsBefore.get(version), boots.get(version).text("out/list-RDN.json"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.1", "1.2"})
    void ndctlReadsTheLabelsPmemdumpWrote(String version) {
        assertEquals(labelsBefore.get(version), boots.get(version).text("out/read-labels.json"));
    }

    /** The kernel used the namespaces as they were: after the boot pmemdump lists the same. */
    @ParameterizedTest
    @ValueSource(strings = {"1.1", "1.2"})
    void theKernelLeftTheNamespacesAsPmemdumpBuiltThem(String version) {
        assertEquals(listedBefore.get(version), PmemdumpNdctl.run("list", "-N", "-v", "--image", image(version).toString()));
    }

    /**
     * Each device is the one pmemdump named, starts its data where pmemdump put it, and reads back
     * pmemdump's data (a fresh BTT reads zeros).
     */
    @ParameterizedTest
    @ValueSource(strings = {"1.1", "1.2"})
    void theKernelReadsPmemdumpsDataThroughEveryDevice(String version) throws IOException {
        long region = Long.decode(boots.get(version).text("out/region-resource").trim());
        Map<String, GuestNamespace> seen = GuestNamespace.byName(boots.get(version).text("out/namespaces.txt"));
        assertEquals(NAMESPACES.size(), seen.size());
        for (Planned p : NAMESPACES) {
            JsonNode made = created.get(version).get(p.name());
            GuestNamespace ns = seen.get(made.get("dev").asText());
            assertEquals(p.mode(), ns.mode(), p.name());
            String device = made.has("blockdev") ? made.get("blockdev").asText() : made.at("/daxregion/devices/0/chardev").asText();
            assertEquals(device, ns.device(), p.name());
            if (p.mode().equals("sector")) {
                assertEquals(sha256(new byte[DATA_LENGTH]), ns.sha256(), p.name() + " through /dev/" + ns.device());
            } else {
                assertEquals(sha256(Files.readAllBytes(dataFile(version, p))), ns.sha256(), p.name() + " through /dev/" + ns.device());
            }
        }
        try (MappedImage m = MappedImage.open(image(version), MappedImage.Access.READ_ONLY)) {
            Region r = Region.open(m, RegionLayout.qemuNvdimm());
            for (Namespace ns : r.namespaces()) {
                GuestNamespace g = seen.get(ns.dev());
                assertEquals(g.start() - region, ns.offset(), ns.dev() + " offset");
                if (ns.btt() == null) {
                    assertEquals(g.dataStart().orElseThrow() - region, ns.offset() + ns.dataOffset(), ns.dev() + " data offset");
                }
            }
        }
    }

    /** What the guest wrote through the kernel's BTT, pmemdump reads through its own. */
    @ParameterizedTest
    @ValueSource(strings = {"1.1", "1.2"})
    void pmemdumpReadsWhatTheGuestWroteThroughTheBtt(String version) throws IOException {
        Planned sector = NAMESPACES.stream().filter(p -> p.mode().equals("sector")).findFirst().orElseThrow();
        try (MappedImage m = MappedImage.open(image(version), MappedImage.Access.READ_ONLY)) {
            Namespace ns = Region.open(m, RegionLayout.qemuNvdimm()).namespace(created.get(version).get(sector.name()).get("dev").asText());
            assertEquals(sha256(Files.readAllBytes(dataFile(version, sector))), sha256(ns.btt().read(0, DATA_LENGTH)));
        }
    }
}
