package dev.pmemdump.filter.request;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;

/** -R: rebuild a dumpfile from a flattened stream (standard input for the command line). */
public record RearrangeRequest(InputStream flattened, Path output) implements FilterRequest {
    public RearrangeRequest {
        Objects.requireNonNull(flattened);
        Objects.requireNonNull(output);
    }
}
