package dev.pmemdump.filter.request;

import dev.pmemdump.filter.kdump.PageCodec;

import java.util.Objects;

/** How a filtered dump is laid out: ELF (-E) or kdump-compressed with a page codec (-c, -l, -p, -z). */
public sealed interface OutputFormat permits OutputFormat.Elf, OutputFormat.Kdump {
    OutputFormat ELF = new Elf();

    static OutputFormat kdump(PageCodec codec) {
        return new Kdump(codec);
    }

    /** makedumpfile's words for it, as the HTML report's subtitle shows it. */
    String describe();

    record Elf() implements OutputFormat {
        @Override
        public String describe() {
            return "ELF";
        }
    }

    record Kdump(PageCodec codec) implements OutputFormat {
        public Kdump {
            Objects.requireNonNull(codec);
        }

        @Override
        public String describe() {
            return "kdump-compressed (pages: " + codec.label() + ")";
        }
    }
}
