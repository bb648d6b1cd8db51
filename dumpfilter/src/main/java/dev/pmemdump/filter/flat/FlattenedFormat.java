package dev.pmemdump.filter.flat;

import java.nio.charset.StandardCharsets;

/**
 * makedumpfile's flattened stream (-F), docs/dump-formats.md §3.4: a 4096-byte header
 * ({@code "makedumpfile"} NUL-padded to 16 bytes, type 1 and version 1 as big-endian i64), then
 * records {@code (offset BE i64, size BE i64, size bytes)}, ended by {@code (-1, -1)}.
 */
final class FlattenedFormat {
    private FlattenedFormat() {}

    static final byte[] SIGNATURE = "makedumpfile".getBytes(StandardCharsets.US_ASCII);
    static final int SIGNATURE_FIELD = 16;
    static final int HEADER_SIZE = 4096;
    static final long TYPE_FLAT_HEADER = 1;
    static final long VERSION_FLAT_HEADER = 1;
    static final int RECORD_HEADER_SIZE = 16;
    static final long END_FLAG = -1;
}
