package dev.pmemdump.cli.structure;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/** A JVM command line for the tool as it is built: this test run's java, the tool's class path. */
final class ToolJvm {
    /** Test-only entries of this test's class path; the rest is the tool and its libraries. */
    private static final List<String> TEST_ONLY = List.of("test-classes", "-tests.jar", "junit-", "opentest4j",
            "apiguardian", "surefire");

    private ToolJvm() {}

    /** The tool's class path, one entry an element. */
    static List<String> classPath() {
        List<String> path = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (TEST_ONLY.stream().noneMatch(e::contains)) {
                path.add(e);
            }
        }
        return path;
    }

    /** java with the options bin/pmemdump gives every run; the caller adds the rest. */
    static List<String> java() {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        if (Runtime.version().feature() >= 23) {
            cmd.add("--sun-misc-unsafe-memory-access=allow"); // aircompressor's codecs, as bin/pmemdump
        }
        return cmd;
    }
}
