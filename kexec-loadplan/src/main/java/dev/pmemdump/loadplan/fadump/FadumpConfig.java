package dev.pmemdump.loadplan.fadump;

import java.util.OptionalLong;

/**
 * The inputs of a firmware-assisted dump registration on powerpc.
 *
 * @param ramSize         end of memory (RAM assumed contiguous from address 0, one memblock region)
 * @param reserveBootvar  {@code fadump_reserve_mem=}: the boot memory size, overriding the default rule
 * @param cpuStateSize    bytes firmware needs for the CPU register save area (reported by
 *                        {@code ibm,configure-kernel-dump-sizes}); 0x40020 on the documentation's system
 * @param hpteSize        bytes for the hashed page table entries region; 0x1000 there
 * @param pageSize        kernel page size (64 KiB on ppc64 distribution kernels)
 */
public record FadumpConfig(long ramSize, OptionalLong reserveBootvar, long cpuStateSize, long hpteSize,
                           long pageSize) {

    /** The firmware sizes of the documentation's example (Documentation/powerpc/firmware-assisted-dump.txt). */
    public static final long DOC_CPU_STATE_SIZE = 0x40020;
    public static final long DOC_HPTE_SIZE = 0x1000;
    public static final long PAGE_64K = 64 * 1024;

    public FadumpConfig {
        if (ramSize <= 0) {
            throw new IllegalArgumentException("RAM size must be positive");
        }
        if (cpuStateSize <= 0 || hpteSize <= 0) {
            throw new IllegalArgumentException("CPU state and HPTE sizes must be positive");
        }
        if (pageSize <= 0 || Long.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("page size must be a power of two: " + pageSize);
        }
        if (reserveBootvar.isPresent() && reserveBootvar.getAsLong() <= 0) {
            throw new IllegalArgumentException("fadump_reserve_mem= must be positive");
        }
    }

    public static FadumpConfig of(long ramSize) {
        return new FadumpConfig(ramSize, OptionalLong.empty(), DOC_CPU_STATE_SIZE, DOC_HPTE_SIZE, PAGE_64K);
    }

    public FadumpConfig withReserve(long bootMemorySize) {
        return new FadumpConfig(ramSize, OptionalLong.of(bootMemorySize), cpuStateSize, hpteSize, pageSize);
    }

    public FadumpConfig withFirmwareSizes(long cpuState, long hpte) {
        return new FadumpConfig(ramSize, reserveBootvar, cpuState, hpte, pageSize);
    }

    public FadumpConfig withPageSize(long size) {
        return new FadumpConfig(ramSize, reserveBootvar, cpuStateSize, hpteSize, size);
    }
}
