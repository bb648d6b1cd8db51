package dev.pmemdump.filter.run;

import java.util.List;
import java.util.OptionalLong;

/** What a writer produced: bytes, the outputs as makedumpfile names them, and ELF's excluded pages. */
record Written(long writeBytes, List<String> outputs, OptionalLong elfExcluded) {
    static final String STDOUT = "STDOUT";
}
