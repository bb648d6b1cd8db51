package dev.pmemdump.images.kernel;

import java.nio.charset.StandardCharsets;

/**
 * Recognisable data to write into namespaces: 64-byte text lines "PMEM-ROUNDTRIP TAG line
 * 00000000" padded with spaces and ended by a newline, as the fixtures' known data is, so a hexdump
 * of an image shows whose data sits where.
 */
final class KnownData {
    static final int LINE = 64;

    private KnownData() {}

    /** {@code length} bytes (a multiple of 64) of lines tagged {@code tag}. */
    static byte[] lines(String tag, int length) {
        if (length % LINE != 0) {
            throw new IllegalArgumentException("length " + length + " is not a multiple of " + LINE);
        }
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length / LINE; i++) {
            String line = String.format("%-63s\n", "PMEM-ROUNDTRIP " + tag + " line " + String.format("%08d", i));
            if (line.length() != LINE) {
                throw new IllegalArgumentException("tag too long for a " + LINE + "-byte line: " + tag);
            }
            sb.append(line);
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
