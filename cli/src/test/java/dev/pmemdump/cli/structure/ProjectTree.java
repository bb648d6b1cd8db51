package dev.pmemdump.cli.structure;

import dev.pmemdump.testing.Fixtures;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The project's source tree, for the checks that keep its structure honest. */
final class ProjectTree {
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");

    private ProjectTree() {}

    static Path root() {
        return Fixtures.root().getParent();
    }

    /** The Maven modules the root POM lists, in its order. */
    static List<String> modules() {
        String pom = read(root().resolve("pom.xml"));
        return MODULE.matcher(pom).results().map(m -> m.group(1)).toList();
    }

    /** Every file under {@code dir} whose name ends with {@code suffix}, sorted. */
    static List<Path> files(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix) && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int lineOf(String text, Matcher m) {
        return (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
    }
}
