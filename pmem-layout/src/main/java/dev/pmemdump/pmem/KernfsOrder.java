package dev.pmemdump.pmem;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * The order ndctl lists namespaces in. ndctl reads a region's sysfs directory, which kernfs
 * returns sorted by name hash ({@code kernfs_name_hash}: the kernel's per-character
 * {@code partial_name_hash}, then {@code hash_long} to 32 bits, kept in [2, INT_MAX)), and its
 * device list ends up in the reverse of that order. The fixture's listing (namespace0.2, 0.4, 0.1,
 * 0.3, 0.5, 0.0) is exactly this.
 */
public final class KernfsOrder {
    private KernfsOrder() {}

    private static final long GOLDEN_RATIO_64 = 0x61C8864680B583EBL;

    static long hash(String name) {
        long h = 0;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            long c = Byte.toUnsignedLong(b);
            h = (h + (c << 4) + (c >>> 4)) * 11;
        }
        long x = (h * GOLDEN_RATIO_64) >>> 32;
        x &= 0x7fffffffL;
        if (x < 2) {
            x += 2;
        }
        if (x >= Integer.MAX_VALUE) {
            x = Integer.MAX_VALUE - 1;
        }
        return x;
    }

    /** {@code items} in ndctl's listing order of their device names. */
    public static <T> List<T> ndctlOrder(List<T> items, Function<T, String> name) {
        List<T> out = new ArrayList<>(items);
        out.sort(Comparator.<T>comparingLong(t -> hash(name.apply(t))).thenComparing(name).reversed());
        return out;
    }
}
