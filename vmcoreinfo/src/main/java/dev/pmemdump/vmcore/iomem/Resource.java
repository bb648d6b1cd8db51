package dev.pmemdump.vmcore.iomem;

import dev.pmemdump.io.Range;

import java.util.List;

/**
 * One line of {@code /proc/iomem}: a named physical range (half-open here; the file's inclusive
 * {@code start-end} is converted when parsed and by {@link #notation}), its nesting depth (two spaces of
 * indentation per level), the line it came from and the resources nested inside it.
 */
public record Resource(Range range, String name, int depth, int line, List<Resource> children) {

    /** Names the kernel gives resources that matter to a crash dump. */
    public static final String SYSTEM_RAM = "System RAM";
    public static final String CRASH_KERNEL = "Crash kernel";
    public static final String KERNEL_CODE = "Kernel code";
    public static final String PERSISTENT_MEMORY = "Persistent Memory";
    public static final String PERSISTENT_MEMORY_LEGACY = "Persistent Memory (legacy)";
    public static final String GART = "GART";

    public Resource {
        children = List.copyOf(children);
    }

    public long start() {
        return range.start();
    }

    /** {@code 0x100000-0xeffffff}: a range in the kernel's inclusive notation, as its messages write it. */
    public static String notation(Range r) {
        return "0x" + Long.toHexString(r.start()) + "-0x" + Long.toHexString(r.inclusiveEnd());
    }

    /**
     * True for RAM the kernel manages: "System RAM" and its hotplugged variants
     * ("System RAM (kmem)", "System RAM (virtio_mem)"), which both producers dump.
     */
    public boolean isSystemRam() {
        return name.startsWith(SYSTEM_RAM);
    }

    /** True for the kernel image's own resources ("Kernel code", "Kernel rodata", "Kernel data", "Kernel bss"). */
    public boolean isKernelImage() {
        return name.startsWith("Kernel ");
    }
}
