package dev.pmemdump.images.kernel;

import dev.pmemdump.testing.Tools;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Path;

/**
 * What the kernel round trip needs from the host, named by the Debian package that brings it: a
 * missing piece skips the test with that reason, or fails it under -Dpmemdump.requireTools=true
 * (what .ci/run sets, after scripts/setup installed the packages).
 */
final class Prerequisites {
    private Prerequisites() {}

    /** The program's path, or skip/fail naming {@code debianPackage}. */
    static Path program(String name, String debianPackage) {
        Path p = Tools.find(name);
        if (p == null) {
            missing(name + " is not installed (apt-get install " + debianPackage + ", as scripts/setup does)");
        }
        return p;
    }

    static void missing(String why) {
        if (Tools.strict()) {
            Assertions.fail(why);
        }
        Assumptions.abort(why);
    }
}
