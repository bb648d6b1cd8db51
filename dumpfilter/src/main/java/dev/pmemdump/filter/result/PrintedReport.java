package dev.pmemdump.filter.result;

import dev.pmemdump.filter.level.PageCounter;

import java.io.PrintWriter;

/**
 * makedumpfile 1.7.2's {@code print_report()} (docs/dump-formats.md §4.5) of a {@link FilterResult}, with
 * the RFC's two pmem lines: from "Original pages" to "Write bytes".
 */
public final class PrintedReport {
    private PrintedReport() {}

    public static void print(FilterResult r, PrintWriter out) {
        boolean elf = r.elfExcluded().isPresent();
        out.printf("Original pages  : 0x%016x%n", r.original());
        out.printf("  Excluded pages   : 0x%016x%n", r.excluded());
        if (elf) {
            out.printf("     in ELF format : 0x%016x%n", r.elfExcluded().getAsLong());
        }
        for (PageCounter c : PageCounter.values()) {
            out.printf("    %-24s: 0x%016x%n", c.label(), r.counts().get(c));
        }
        out.printf("  Remaining pages  : 0x%016x%n", r.remaining());
        long kept = r.remainingInFormat();
        if (elf) {
            out.printf("     in ELF format : 0x%016x%n", kept);
        }
        long shrinking = r.original() == 0 ? 0 : kept * 100 / r.original();
        out.printf("  (The number of pages is reduced to %d%%.)%n", shrinking);
        out.printf("Memory Hole     : 0x%016x%n", r.memoryHole());
        out.println("--------------------------------------------------");
        out.printf("Total pages     : 0x%016x%n", r.maxMapnr());
        // makedumpfile writes --split parts in child processes: its own counter, which it prints, stays 0.
        out.printf("Write bytes     : %d%n", r.outputs().size() > 1 ? 0 : r.writeBytes());
    }
}
