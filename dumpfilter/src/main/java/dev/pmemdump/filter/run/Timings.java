package dev.pmemdump.filter.run;

import java.util.LinkedHashMap;
import java.util.Map;

/** Milliseconds per phase of one run (open, classify, write), in the order phases first ran. */
final class Timings {
    private final Map<String, Double> ms = new LinkedHashMap<>();

    /** Adds the time since {@code since} (a System.nanoTime()) to {@code phase}; returns now. */
    long lap(String phase, long since) {
        long now = System.nanoTime();
        ms.merge(phase, (now - since) / 1e6, Double::sum);
        return now;
    }

    Map<String, Double> snapshot() {
        return new LinkedHashMap<>(ms);
    }
}
