package dev.pmemdump.images;

import dev.pmemdump.io.Range;

import static dev.pmemdump.images.Linux61.PAGE_SHIFT;
import static dev.pmemdump.images.Linux61.PAGE_SIZE;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pmemdump.io.TextInput;
import java.nio.ByteBuffer;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The ground truth of a built scenario, written at the "panic": makedumpfile's expected counters,
 * the sha256 of kernel-owned RAM and of every pmem metadata range (as the RFC's first-kernel check
 * computes it: 4 KiB pages by physical address), the number of pages of each class, the canaries.
 */
@JsonPropertyOrder({"kernelRelease", "seed", "pageSize", "expectedReport", "pageClasses", "kernelRam", "pmemMetadata",
        "canaries", "deviceDumps"})
public record Manifest(String kernelRelease, long seed, long pageSize, ExpectedReport.Report expectedReport,
                       Map<PageClass, Long> pageClasses, KernelRam kernelRam, List<MetadataRange> pmemMetadata,
                       List<CanaryEntry> canaries, List<DeviceDumpEntry> deviceDumps) {

    /** A device dump attached to the vmcore: its name, size and the sha256 of its data. */
    @JsonPropertyOrder({"name", "size", "sha256"})
    public record DeviceDumpEntry(String name, long size, String sha256) {}

    /**
     * Kernel-owned RAM: the pages of classes RESERVED, KERNEL and SLAB from 1 MiB up, outside the
     * crashkernel reservation, hashed in pfn order.
     */
    public record KernelRam(long pages, String sha256) {}

    /**
     * One namespace's metadata [startPfn, endPfn), the sha256 of its pages in order, and where it
     * lives: {@link #DEVICE} (info block and memmap on the device, {@code --map=dev}) or {@link #RAM}
     * (the vmemmap pages in RAM holding its struct pages, {@code --map=mem}).
     */
    @JsonPropertyOrder({"namespace", "startPfn", "endPfn", "sha256", "location"})
    public record MetadataRange(String namespace, long startPfn, long endPfn, String sha256, String location) {
        public static final String DEVICE = "device";
        public static final String RAM = "ram";
    }

    /** A canary, where it is, and whether a -d 31 dump keeps it. */
    @JsonPropertyOrder({"text", "pageClass", "physAddress", "keptAtD31"})
    public record CanaryEntry(String text, String pageClass, long physAddress, boolean keptAtD31) {}

    static Map<PageClass, Long> classCounts(FirstKernel k) {
        Map<PageClass, Long> n = new EnumMap<>(PageClass.class);
        for (long pfn = 0; pfn < k.ramPages(); pfn++) {
            n.merge(k.pageClass(pfn), 1L, Long::sum);
        }
        return n;
    }

    static KernelRam kernelRam(FirstKernel k) {
        MessageDigest md = sha256();
        Scenario.Range ck = k.scenario().crashkernel();
        long ckFirst = ck == null ? -1 : ck.startAddress() >>> PAGE_SHIFT;
        long ckEnd = ck == null ? -1 : ck.end() >>> PAGE_SHIFT;
        long pages = 0;
        for (long pfn = (1L << 20) >>> PAGE_SHIFT; pfn < k.ramPages(); pfn++) {
            if (k.pageClass(pfn).kernelOwned() && (pfn < ckFirst || pfn >= ckEnd)) {
                md.update(k.ram().slice(pfn << PAGE_SHIFT, PAGE_SIZE).asByteBuffer());
                pages++;
            }
        }
        return new KernelRam(pages, HexFormat.of().formatHex(md.digest()));
    }

    /** sha256 over the 4 KiB pages {@code pfns} of {@code memory}, read by physical address. */
    static String sha256OfPages(MemoryImage memory, Range pfns) {
        MessageDigest md = sha256();
        for (long pfn = pfns.start(); pfn < pfns.end(); pfn++) {
            MemorySegment page = memory.slice(pfn << PAGE_SHIFT, PAGE_SIZE);
            ByteBuffer b = page.asByteBuffer();
            md.update(b);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A canary of page class {@code c} (null: pmem user data) survives -d 31 when a PT_LOAD covers it
     * and its class is not one that level excludes.
     */
    static CanaryEntry canary(String text, PageClass c, long pa, List<Range> segments) {
        boolean dumped = segments.stream().anyMatch(s -> s.contains(Range.ofLength(pa, text.length())));
        return new CanaryEntry(text, c == null ? "PMEM_DATA" : c.name(), pa,
                dumped && (c == null || c.counter() == null));
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** A manifest lists ranges and canaries, not pages: far below this even for terabyte scenarios. */
    static final int MAX_BYTES = 64 << 20;

    public static Manifest read(Path file) throws IOException {
        return mapper().readValue(TextInput.read(file, MAX_BYTES, "a scenario manifest"), Manifest.class);
    }

    /** The manifest as the JSON bytes of {@code manifest.json}. */
    public byte[] toJson() throws IOException {
        return mapper().writeValueAsBytes(this);
    }
}
