package dev.pmemdump.filter.result;

import dev.pmemdump.filter.level.PageCounter;

import java.util.ArrayList;
import java.util.List;

/**
 * The page figures of makedumpfile's report in its order, each under its name and JSON key: what
 * the JSON report and the HTML report's table list (the printed report lays them out itself).
 */
public final class ReportFigures {
    /** One figure: its name as makedumpfile words it, its --json-report key, its value. */
    public record Figure(String label, String jsonKey, long value) {}

    private ReportFigures() {}

    public static List<Figure> of(FilterResult r) {
        List<Figure> f = new ArrayList<>();
        f.add(new Figure("Original pages", "original_pages", r.original()));
        f.add(new Figure("Excluded pages", "excluded_pages", r.excluded()));
        r.elfExcluded().ifPresent(n -> f.add(new Figure("Excluded pages in ELF format", "excluded_pages_elf", n)));
        for (PageCounter c : PageCounter.values()) {
            f.add(new Figure(c.label(), c.jsonKey(), r.counts().get(c)));
        }
        f.add(new Figure("Remaining pages", "remaining_pages", r.remaining()));
        if (r.elfExcluded().isPresent()) {
            f.add(new Figure("Remaining pages in ELF format", "remaining_pages_elf", r.remainingInFormat()));
        }
        f.add(new Figure("Memory Hole", "memory_hole", r.memoryHole()));
        f.add(new Figure("Total pages", "total_pages", r.maxMapnr()));
        return f;
    }
}
