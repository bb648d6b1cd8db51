package dev.pmemdump.images;

import dev.pmemdump.io.TextInput;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pmemdump.io.MemParse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A crash situation, small enough to write by hand: the first kernel's RAM map, CPUs, crashkernel,
 * kexec mode, pmem regions and namespaces, the mix of RAM pages, canaries and a seed. Sizes and
 * addresses are strings in the kernel's memparse syntax ("512M", "0x100000000"). The same scenario
 * always yields the same bytes.
 *
 * <p>The RFC's cases: a namespace's {@code map} ("mem" or "dev") says where its memmap lives, and
 * {@code rfcKernel} says whether the first kernel put pmem into the vmcore's PT_LOADs (with PF_DEV).
 * Case A = map mem + rfcKernel, B = map dev + rfcKernel, C = map mem, D = map dev (the filter decides
 * what of it to keep).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"kernelRelease", "cpus", "ram", "crashkernel", "kernelPhys", "kexecMode", "rfcKernel",
        "pmem", "pageMix", "canaries", "seed", "deviceDumps"})
public record Scenario(
        String kernelRelease,
        int cpus,
        List<Range> ram,
        Range crashkernel,
        String kernelPhys,
        String kexecMode,
        boolean rfcKernel,
        List<PmemRegion> pmem,
        Mix pageMix,
        List<String> canaries,
        long seed,
        List<DeviceDump> deviceDumps) {

    /** A scenario without device dumps. */
    public Scenario(String kernelRelease, int cpus, List<Range> ram, Range crashkernel, String kernelPhys,
                    String kexecMode, boolean rfcKernel, List<PmemRegion> pmem, Mix pageMix, List<String> canaries,
                    long seed) {
        this(kernelRelease, cpus, ram, crashkernel, kernelPhys, kexecMode, rfcKernel, pmem, pageMix, canaries, seed,
                List.of());
    }

    /** A driver's device dump (vmcoredd) attached to the vmcore as a "LINUX" note; content from the seed. */
    public record DeviceDump(String name, String size) {
        public long length() {
            return memSize("deviceDumps: size", size);
        }
    }

    /** A physical range [start, start + size). */
    public record Range(String start, String size) {
        public long startAddress() {
            return memSize("start", start);
        }

        public long length() {
            return memSize("size", size);
        }

        public long end() {
            return startAddress() + length();
        }
    }

    /** A pmem region ("Persistent Memory", or e820 "Persistent Memory (legacy)") and its namespaces. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PmemRegion(String start, String size, boolean legacy, List<Namespace> namespaces) {
        public long startAddress() {
            return memSize("pmem: start", start);
        }

        public long length() {
            return memSize("pmem: size", size);
        }
    }

    /** An ndctl namespace: mode fsdax/devdax/raw, map mem/dev (fsdax, devdax is always dev). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Namespace(String name, String mode, String map, String size, String align) {
        public long length() {
            return memSize("pmem: " + name + ": size", size);
        }

        public long alignment() {
            return align == null ? 2L << 20 : MemParse.parse(align);
        }
    }

    /**
     * Shares of the RAM left after the kernel's own allocations, by what the pages hold; free buddy
     * blocks take the rest. {@code thpPages} anonymous 2 MiB THPs and page-cache folios of order
     * {@code cacheFolioOrder} make compound pages.
     */
    public record Mix(double slab, double pageCache, double pageCachePrivate, double anon, double zero,
                      int thpPages, int cacheFolioOrder) {
        public double free() {
            return 1.0 - slab - pageCache - pageCachePrivate - anon - zero;
        }
    }

    public long kernelPhysAddress() {
        return memSize("kernelPhys", kernelPhys);
    }

    /** A size or address field; absent (null) is named rather than left to fail as a null pointer. */
    private static long memSize(String field, String text) {
        if (text == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return MemParse.parse(text);
    }

    public boolean kexecFile() {
        return "file".equals(kexecMode);
    }

    /** The built-in scenario: 768 MiB with holes, 2 CPUs, one 512 MiB pmem region, all three namespace kinds. */
    public static Scenario defaultScenario() {
        return new Scenario("6.1.0-56-amd64", 2,
                List.of(new Range("0x1000", "0x9ec00"),
                        new Range("0x100000", "0x1bf00000"),
                        new Range("0x1c400000", "0x13be0000")),
                new Range("0x24000000", "128M"),
                "0x6600000", "file", true,
                List.of(new PmemRegion("0x100000000", "512M", false, List.of(
                        new Namespace("fsdax-dev", "fsdax", "dev", "128M", "2M"),
                        new Namespace("fsdax-mem", "fsdax", "mem", "64M", "2M"),
                        new Namespace("devdax", "devdax", "dev", "64M", "2M")))),
                new Mix(0.06, 0.20, 0.03, 0.20, 0.05, 4, 2),
                List.of("PMEMDUMP-CANARY-KERNEL", "PMEMDUMP-CANARY-CACHE", "PMEMDUMP-CANARY-ANON",
                        "PMEMDUMP-CANARY-PMEM"),
                1, List.of(new DeviceDump("cxgb4_0000:01:00.4", "24K")));
    }

    private static ObjectMapper mapper() {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        // A null list element (ram, pmem, namespaces, deviceDumps) is a parse error, not a null record.
        m.configOverride(List.class).setSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
        return m;
    }

    /** A scenario is a page of hand-written JSON; a megabyte is already absurd. */
    static final int MAX_BYTES = 1 << 20;

    public static Scenario read(Path file) throws IOException {
        Scenario s;
        try {
            s = mapper().readValue(TextInput.read(file, MAX_BYTES, "a scenario"), Scenario.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(file + ": not a scenario: " + e.getOriginalMessage());
        } catch (java.io.CharConversionException e) {
            // Jackson guesses UTF-16/32 from the first bytes and reports their misuse outside its own types.
            throw new IllegalArgumentException(file + ": not a scenario: " + e.getMessage());
        }
        try {
            s.validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
        return s;
    }

    public String toJson() {
        try {
            return mapper().writeValueAsString(this) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks what the builders rely on; the message names the offending field. */
    public void validate() {
        if (kernelRelease == null || !kernelRelease.matches("\\d+\\.\\d+\\.\\d+.*")) {
            throw new IllegalArgumentException("kernelRelease must look like 6.1.0-..., got " + kernelRelease);
        }
        if (cpus < 1 || cpus > 64) {
            throw new IllegalArgumentException("cpus must be 1..64, got " + cpus);
        }
        if (ram == null || ram.isEmpty()) {
            throw new IllegalArgumentException("ram: at least one range is needed");
        }
        if (!"file".equals(kexecMode) && !"load".equals(kexecMode)) {
            throw new IllegalArgumentException("kexecMode must be 'file' or 'load', got " + kexecMode);
        }
        long prevEnd = 0;
        for (Range r : ram) {
            long s = r.startAddress();
            if (s < prevEnd || r.length() <= 0) {
                throw new IllegalArgumentException("ram: ranges must be ascending, non-empty and disjoint at " + r.start());
            }
            prevEnd = r.end();
        }
        if (prevEnd > (64L << 30)) {
            throw new IllegalArgumentException("ram: at most 64 GiB, ends at 0x" + Long.toHexString(prevEnd));
        }
        long kp = kernelPhysAddress();
        if (kp % (2L << 20) != 0 || !inRam(kp, Linux61.IMAGE_END)) {
            throw new IllegalArgumentException("kernelPhys must be 2 MiB aligned with the whole kernel image in one RAM range");
        }
        if (crashkernel != null) {
            if (crashkernel.startAddress() % (16L << 20) != 0 || !inRam(crashkernel.startAddress(), crashkernel.length())) {
                throw new IllegalArgumentException("crashkernel must be 16 MiB aligned inside one RAM range");
            }
            if (crashkernel.startAddress() < kp + Linux61.IMAGE_END && kp < crashkernel.end()) {
                throw new IllegalArgumentException("crashkernel overlaps the kernel image");
            }
        }
        Mix m = pageMix;
        if (m == null || m.slab() < 0 || m.pageCache() < 0 || m.pageCachePrivate() < 0 || m.anon() < 0 || m.zero() < 0
                || m.free() < -1e-9 || m.thpPages() < 0 || m.cacheFolioOrder() < 0 || m.cacheFolioOrder() > 9) {
            throw new IllegalArgumentException("pageMix: shares must be >= 0 and sum to at most 1, cacheFolioOrder 0..9");
        }
        for (DeviceDump d : deviceDumps == null ? List.<DeviceDump>of() : deviceDumps) {
            if (d.name() == null || d.name().isEmpty() || d.name().length() >= 44 || d.length() <= 0
                    || d.length() > (64L << 20)) {
                throw new IllegalArgumentException("deviceDumps: name of 1..43 characters and size of 1 byte..64M, got "
                        + d);
            }
        }
        long pmemEnd = prevEnd;
        for (PmemRegion p : pmem == null ? List.<PmemRegion>of() : pmem) {
            if (p.startAddress() < pmemEnd || p.startAddress() % Linux61.PAGES_PER_SECTION != 0 || p.length() <= 0) {
                throw new IllegalArgumentException("pmem: region at " + p.start() + " must lie above RAM and earlier regions");
            }
            long used = 0;
            for (Namespace n : p.namespaces() == null ? List.<Namespace>of() : p.namespaces()) {
                if (n.mode() == null || !List.of("fsdax", "devdax", "raw").contains(n.mode())) {
                    throw new IllegalArgumentException("pmem: " + n.name() + ": mode must be fsdax, devdax or raw");
                }
                if (n.map() != null && !List.of("mem", "dev").contains(n.map())) {
                    throw new IllegalArgumentException("pmem: " + n.name() + ": map must be mem or dev");
                }
                used += n.length();
            }
            if (used > p.length()) {
                throw new IllegalArgumentException("pmem: namespaces of region " + p.start() + " exceed its size");
            }
            pmemEnd = p.startAddress() + p.length();
        }
    }

    private boolean inRam(long start, long len) {
        for (Range r : ram) {
            if (start >= r.startAddress() && start + len <= r.end()) {
                return true;
            }
        }
        return false;
    }

    /** The same scenario with another seed (tests and benchmarks vary only that). */
    public Scenario withSeed(long newSeed) {
        return new Scenario(kernelRelease, cpus, ram, crashkernel, kernelPhys, kexecMode, rfcKernel, pmem, pageMix,
                canaries, newSeed, deviceDumps);
    }

    /** The same scenario with other pmem regions. */
    public Scenario withPmem(List<PmemRegion> regions) {
        return new Scenario(kernelRelease, cpus, ram, crashkernel, kernelPhys, kexecMode, rfcKernel,
                new ArrayList<>(regions), pageMix, canaries, seed, deviceDumps);
    }
}
