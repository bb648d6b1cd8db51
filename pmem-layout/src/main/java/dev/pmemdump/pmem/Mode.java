package dev.pmemdump.pmem;

import java.util.Locale;

/** Namespace personalities, named as ndctl names them. */
public enum Mode {
    RAW, FSDAX, DEVDAX, SECTOR;

    public String ndctlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** ndctl's names and its aliases (memory, dax, safe). */
    public static Mode parse(String s) {
        return switch (s) {
            case "raw" -> RAW;
            case "fsdax", "memory" -> FSDAX;
            case "devdax", "dax" -> DEVDAX;
            case "sector", "safe" -> SECTOR;
            default -> throw new IllegalArgumentException("invalid mode '" + s + "'");
        };
    }
}
