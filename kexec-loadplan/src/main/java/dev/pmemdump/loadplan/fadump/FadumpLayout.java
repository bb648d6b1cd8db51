package dev.pmemdump.loadplan.fadump;

import dev.pmemdump.io.Range;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a firmware-assisted dump keeps things (Documentation/powerpc/firmware-assisted-dump.txt,
 * Fig. 1 and 2). The first kernel reserves, at the top of memory, one area holding in order the
 * CPU state save area, the HPTE region, the destination of the boot-memory copy and the ELF area
 * (crash info header, then the elfcorehdr). At a crash firmware copies the boot memory, the low
 * {@link #bootMemorySize()} bytes, into that destination; the second kernel boots in the boot memory
 * and keeps everything above it reserved until the dump is saved.
 */
public final class FadumpLayout {
    /** The documented minimum boot memory: a kernel needs this much to boot with restricted memory. */
    public static final long MIN_BOOT_MEM = 256L << 20;
    /** The default boot memory is 5% of RAM rounded down to this multiple, and at least MIN_BOOT_MEM. */
    static final long BOOT_MEM_ROUND = 256L << 20;
    /**
     * {@code sizeof(struct fadump_crash_info_header)} with the original FADMPINF layout: magic,
     * elfcorehdr address, crashing CPU (padded to 8), ppc64 pt_regs (44 doublewords), cpumask of
     * 2048 CPUs. Page rounding of the area absorbs its exact value.
     */
    static final long CRASH_INFO_HEADER_BYTES = 8 + 8 + 8 + 44 * 8 + 2048 / 8;
    static final long ELF64_EHDR_BYTES = 64;
    static final long ELF64_PHDR_BYTES = 56;

    private final FadumpConfig config;
    private final long bootMemorySize;
    private final Range reserved;
    private final Range cpuState;
    private final Range hpte;
    private final Range bootCopy;
    private final Range elfArea;

    private FadumpLayout(FadumpConfig config, long bootMemorySize, Range reserved) {
        this.config = config;
        this.bootMemorySize = bootMemorySize;
        this.reserved = reserved;
        this.cpuState = Range.ofLength(reserved.start(), config.cpuStateSize());
        this.hpte = Range.ofLength(cpuState.end(), config.hpteSize());
        this.bootCopy = Range.ofLength(hpte.end(), bootMemorySize);
        this.elfArea = new Range(bootCopy.end(), reserved.end());
    }

    /** The registration the first kernel makes for {@code config}. */
    public static FadumpLayout plan(FadumpConfig config) {
        long ram = config.ramSize();
        long boot = config.reserveBootvar().orElse(Math.max((ram / 20) & -BOOT_MEM_ROUND, MIN_BOOT_MEM));
        long areaSize = areaSize(config, boot);
        if (boot >= ram || areaSize > ram - boot) {
            throw new IllegalArgumentException(size(ram) + " of RAM cannot hold " + size(boot)
                    + " of fadump boot memory plus its " + size(areaSize) + " reserved dump area at the top of memory");
        }
        return new FadumpLayout(config, boot, new Range(ram - areaSize, ram));
    }

    /**
     * CPU state + HPTE + boot-memory copy + crash info header + ELF header with a PT_NOTE for the CPU
     * notes and program headers for the memory regions plus two, page aligned.
     */
    static long areaSize(FadumpConfig c, long boot) {
        int memoryRegions = 1;
        long size = c.cpuStateSize() + c.hpteSize() + boot + CRASH_INFO_HEADER_BYTES + ELF64_EHDR_BYTES
                + ELF64_PHDR_BYTES * (1 + memoryRegions + 2);
        return (size + c.pageSize() - 1) & -c.pageSize();
    }

    public FadumpConfig config() {
        return config;
    }

    /** The low memory firmware preserves by copying it: larger of 5% of RAM and 256 MiB, or fadump_reserve_mem=. */
    public long bootMemorySize() {
        return bootMemorySize;
    }

    /** The permanent reservation at the top of memory. */
    public Range reservedArea() {
        return reserved;
    }

    public Range cpuState() {
        return cpuState;
    }

    public Range hpte() {
        return hpte;
    }

    /** Destination of the boot-memory copy: where /proc/vmcore reads the boot memory from. */
    public Range bootCopy() {
        return bootCopy;
    }

    /** Crash info header followed by the elfcorehdr. */
    public Range elfArea() {
        return elfArea;
    }

    /** Address of the elfcorehdr: right after the crash info header at the start of the ELF area. */
    public long elfcorehdrAddress() {
        return elfArea.start() + CRASH_INFO_HEADER_BYTES;
    }

    /** What the second kernel holds after a crash: everything above the boot memory, up to the CPU area. */
    public Range heldAfterCrash() {
        return new Range(bootMemorySize, cpuState.start());
    }

    /**
     * The text of {@code /sys/kernel/debug/powerpc/fadump_region}: in the first kernel nothing is
     * dumped yet; in the second kernel firmware reports every region as dumped and the memory held
     * above the boot memory is listed too. Numbers use the kernel's {@code %#016llx} and {@code %#llx}.
     */
    public String regionReport(boolean afterCrash) {
        List<String> lines = new ArrayList<>();
        lines.add(regionLine("CPU ", cpuState, afterCrash));
        lines.add(regionLine("HPTE", hpte, afterCrash));
        lines.add(regionLine("DUMP", bootCopy, afterCrash));
        if (afterCrash && heldAfterCrash().start() != cpuState.start()) {
            lines.add(regionLine("    ", heldAfterCrash(), true));
        }
        return String.join("\n", lines) + "\n";
    }

    private static String regionLine(String name, Range r, boolean dumped) {
        return String.format("%s: [%#016x-%#016x] %#x bytes, Dumped: %#x", name, r.start(), r.inclusiveEnd(), r.length(),
                dumped ? r.length() : 0);
    }

    private static String size(long bytes) {
        return String.format("%#x bytes", bytes);
    }
}
