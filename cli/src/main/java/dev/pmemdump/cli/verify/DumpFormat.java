package dev.pmemdump.cli.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The output formats of the filter, with the makedumpfile options that select each. */
enum DumpFormat {
    ELF("-E"), ZLIB("-c"), LZO("-l"), SNAPPY("-p"), ZSTD("-z"), FLAT("-l", "-F");

    private final List<String> options;

    DumpFormat(String... options) {
        this.options = List.of(options);
    }

    List<String> options() {
        return options;
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static List<DumpFormat> parse(String list) {
        List<DumpFormat> out = new ArrayList<>();
        for (String part : list.split(",")) {
            String p = part.trim().toUpperCase(Locale.ROOT);
            try {
                out.add(valueOf(p.equals("FLATTENED") ? "FLAT" : p));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown format '" + part
                        + "' (formats are elf, zlib, lzo, snappy, zstd, flat)");
            }
        }
        return out;
    }
}
