package dev.pmemdump.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files for fuzz tests of parsers that read a path: one scratch file per test class, rewritten per input. */
public final class FuzzFiles {
    private FuzzFiles() {}

    /** A new empty temporary file, deleted when the JVM exits. */
    public static Path scratch(String name) {
        try {
            Path p = Files.createTempFile(name, ".fuzz");
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
