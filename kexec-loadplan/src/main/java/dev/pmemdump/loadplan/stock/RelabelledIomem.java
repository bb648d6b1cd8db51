package dev.pmemdump.loadplan.stock;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.vmcore.iomem.PmemParameter;
import dev.pmemdump.vmcore.iomem.Iomem;
import dev.pmemdump.vmcore.iomem.Resource;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * /proc/iomem as stock kexec-tools must see it to put pmem into the elfcorehdr: each top-level
 * "Persistent Memory" (and "Persistent Memory (legacy)") range relabelled "System RAM". kexec_load
 * builds its crash memory ranges from the "System RAM" lines, so the pmem then gets a PT_LOAD of its
 * own (without PF_DEV: that flag needs the RFC's kexec-tools); every other line stays as it is.
 */
public record RelabelledIomem(String text, PmemParameter pmem) {
    private static final Pattern TOP_LEVEL_PMEM =
            Pattern.compile("(?m)^(\\S+-\\S+ : )Persistent Memory(?: \\(legacy\\))?$");

    /** Relabels {@code source}'s text; {@code name} names it in errors. Fails when there is no pmem. */
    public static RelabelledIomem of(String name, String source) throws CorruptInputException {
        // the ranges and namespace starts go to the capture side, which finds each info block there
        PmemParameter pmem = PmemParameter.of(Iomem.parse(name, source), true).orElseThrow(() ->
                new CorruptInputException(name, -1, "no top-level \"Persistent Memory\" range: nothing to relabel"));
        Matcher m = TOP_LEVEL_PMEM.matcher(source);
        return new RelabelledIomem(m.replaceAll("$1" + Resource.SYSTEM_RAM), pmem);
    }
}
