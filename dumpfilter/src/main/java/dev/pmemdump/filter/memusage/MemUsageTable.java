package dev.pmemdump.filter.memusage;

import dev.pmemdump.filter.level.PageCounter;
import dev.pmemdump.filter.level.PageCounts;

/**
 * makedumpfile 1.7.2's --mem-usage table (print_mem_usage): the pages of each excludable class at
 * dump level 31, and the rest as kernel data. The total leaves out the memory hole, which a dump does
 * not hold either.
 *
 * @param pageSize  bytes per page
 * @param maxMapnr  pfns the memory map spans
 * @param memHole   pfns of it no PT_LOAD holds (holes, and the crash kernel's reservation on /proc/kcore)
 * @param counts    the excluded pages of each class, as the filter counts them at dump level 31
 */
public record MemUsageTable(long pageSize, long maxMapnr, long memHole, PageCounts counts) {

    /** Pages on the system: what the PT_LOADs hold. */
    public long total() {
        return maxMapnr - memHole;
    }

    /** What dump level 31 keeps: every page not excluded (hwpoison and offline pages count as excluded). */
    public long kernelData() {
        return total() - counts.get(PageCounter.ZERO) - counts.get(PageCounter.CACHE)
                - counts.get(PageCounter.CACHE_PRIVATE) - counts.get(PageCounter.USER) - counts.get(PageCounter.FREE)
                - counts.get(PageCounter.HWPOISON) - counts.get(PageCounter.OFFLINE);
    }

    /** The table, byte for byte as makedumpfile prints it (tabs, left-aligned 16-digit fields). */
    public String format() {
        StringBuilder b = new StringBuilder("\n");
        b.append("TYPE\t\tPAGES\t\t\tEXCLUDABLE\tDESCRIPTION\n");
        b.append("----------------------------------------------------------------------\n");
        row(b, "ZERO\t\t", counts.get(PageCounter.ZERO), "yes", "Pages filled with zero");
        row(b, "NON_PRI_CACHE\t", counts.get(PageCounter.CACHE), "yes", "Cache pages without private flag");
        row(b, "PRI_CACHE\t", counts.get(PageCounter.CACHE_PRIVATE), "yes", "Cache pages with private flag");
        row(b, "USER\t\t", counts.get(PageCounter.USER), "yes", "User process pages");
        row(b, "FREE\t\t", counts.get(PageCounter.FREE), "yes", "Free pages");
        row(b, "KERN_DATA\t", kernelData(), "no", "Dumpable kernel data ");
        b.append('\n');
        b.append(String.format("page size:\t\t%-16d\n", pageSize));
        b.append(String.format("Total pages on system:\t%-16d\n", total()));
        b.append(String.format("Total size on system:\t%-16s Byte\n", Long.toUnsignedString(pageSize * total())));
        return b.toString();
    }

    private static void row(StringBuilder b, String type, long pages, String excludable, String description) {
        b.append(type).append(String.format("%-16d", pages)).append('\t').append(excludable).append("\t\t")
                .append(description).append('\n');
    }
}
