package dev.pmemdump.filter.pmem;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.Range;
import dev.pmemdump.vmcore.elf.ProgramHeader;
import dev.pmemdump.vmcore.iomem.Iomem;
import dev.pmemdump.vmcore.iomem.PmemParameter;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Which PT_LOADs of a vmcore are pmem, and where its namespaces start. A PT_LOAD is pmem when kexec
 * marked it PF_DEV (the RFC's kexec-tools) or when it lies inside a "Persistent Memory" range the
 * first kernel had: from its /proc/iomem (--iomem) or from the capture kernel's command line
 * ({@code pmemdump.pmem=}, set by {@code pmemdump loadplan kexec-load}), since stock kexec-tools
 * writes pmem PT_LOADs with flags RWX only. A PT_LOAD that crosses such a range, or a range no
 * PT_LOAD covers, means the listing is not this vmcore's machine: a named error, not a guess.
 *
 * @param loads           physical byte ranges of the pmem PT_LOADs, in vmcore order
 * @param namespaceStarts where namespaces start (iomem's namespace entries or {@code pmemdump.ns=});
 *                        empty when neither says (the info blocks are then chained)
 */
public record PmemRanges(List<Range> loads, List<Long> namespaceStarts) {

    /** One description of the first kernel's pmem and the file it came from, for errors. */
    public record Described(String source, List<Range> ranges, List<Long> namespaceStarts) {
        /** The top-level "Persistent Memory" ranges of {@code iomem} and the namespaces inside them. */
        public static Described of(Iomem iomem) {
            return PmemParameter.of(iomem, false).map(p -> of(iomem.source(), p))
                    .orElse(new Described(iomem.source(), List.of(), List.of()));
        }

        public static Described of(String source, PmemParameter p) {
            return new Described(source, p.ranges(), p.namespaceStarts());
        }
    }

    public static PmemRanges of(List<ProgramHeader> phdrs, List<Described> described) throws CorruptInputException {
        List<Range> loads = new ArrayList<>();
        for (ProgramHeader ph : phdrs) {
            Range bytes = Range.ofLength(ph.paddr(), ph.memsz());
            boolean pmem = ph.isPmem();
            for (Described d : described) {
                for (Range r : d.ranges()) {
                    if (r.contains(bytes)) {
                        pmem = true;
                    } else if (r.overlaps(bytes)) {
                        throw new CorruptInputException(d.source(), -1, "PT_LOAD " + bytes + " crosses the end of "
                                + "pmem " + r + ": not the vmcore of this machine");
                    }
                }
            }
            if (pmem) {
                loads.add(bytes);
            }
        }
        TreeSet<Long> starts = new TreeSet<>();
        for (Described d : described) {
            for (Range r : d.ranges()) {
                if (loads.stream().noneMatch(r::overlaps)) {
                    throw new CorruptInputException(d.source(), -1, "pmem " + r + " is in no PT_LOAD of the vmcore "
                            + "(the capture kernel was loaded without it)");
                }
            }
            starts.addAll(d.namespaceStarts());
        }
        return new PmemRanges(loads, List.copyOf(starts));
    }
}
