package dev.pmemdump.cli.verify;

import java.util.LinkedHashMap;
import java.util.Map;

/** Milliseconds per verification step, summed over scenarios, in the order steps first ran. */
final class StepTimes {
    final Map<String, Double> ms = new LinkedHashMap<>();

    /** Adds the time since {@code t0} (a System.nanoTime()) to {@code step}. */
    void add(String step, long t0) {
        ms.merge(step, (System.nanoTime() - t0) / 1e6, Double::sum);
    }
}
