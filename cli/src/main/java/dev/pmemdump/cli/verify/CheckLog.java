package dev.pmemdump.cli.verify;

import java.util.ArrayList;
import java.util.List;

/** The checks of a verification run, in the order they ran. */
final class CheckLog {
    private final List<Check> checks = new ArrayList<>();

    void check(String scope, String name, boolean passed, String detail) {
        checks.add(new Check(scope, name, passed, detail));
    }

    void fail(String scope, String name, String detail) {
        check(scope, name, false, detail);
    }

    List<Check> all() {
        return List.copyOf(checks);
    }

    List<Check> failed() {
        return checks.stream().filter(c -> !c.passed()).toList();
    }
}
