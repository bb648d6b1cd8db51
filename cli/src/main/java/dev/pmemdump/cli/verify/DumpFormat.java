package dev.pmemdump.cli.verify;

import dev.pmemdump.filter.kdump.PageCodec;
import dev.pmemdump.filter.request.OutputFormat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The output formats of the filter checked by verify; {@link #FLAT} is LZO through a flattened stream and -R. */
enum DumpFormat {
    ELF(OutputFormat.ELF, false), ZLIB(OutputFormat.kdump(PageCodec.ZLIB), false),
    LZO(OutputFormat.kdump(PageCodec.LZO), false), SNAPPY(OutputFormat.kdump(PageCodec.SNAPPY), false),
    ZSTD(OutputFormat.kdump(PageCodec.ZSTD), false), FLAT(OutputFormat.kdump(PageCodec.LZO), true);

    private final OutputFormat output;
    private final boolean flattened;

    DumpFormat(OutputFormat output, boolean flattened) {
        this.output = output;
        this.flattened = flattened;
    }

    OutputFormat output() {
        return output;
    }

    /** Written as a flattened stream (-F), then rebuilt (-R). */
    boolean flattened() {
        return flattened;
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
