package dev.pmemdump.io;

import java.io.IOException;

/**
 * Input whose bytes contradict its format: a bad checksum, an impossible size, a pointer outside
 * memory, a truncated structure. The message always names the resource and the byte offset, so
 * the CLI can print it as one line: {@code FILE: offset 0x1000: pfn info block checksum mismatch}.
 */
public class CorruptInputException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String resource;
    private final long offset;

    public CorruptInputException(String resource, long offset, String problem) {
        super(format(resource, offset, problem));
        this.resource = resource;
        this.offset = offset;
    }

    public CorruptInputException(String resource, long offset, String problem, Throwable cause) {
        this(resource, offset, problem);
        initCause(cause);
    }

    private static String format(String resource, long offset, String problem) {
        return offset < 0
                ? resource + ": " + problem
                : resource + ": offset 0x" + Long.toHexString(offset) + ": " + problem;
    }

    /** The file or device the bad bytes came from. */
    public String resource() {
        return resource;
    }

    /** Byte offset of the bad structure within {@link #resource()}, or -1 when not tied to one. */
    public long offset() {
        return offset;
    }
}
