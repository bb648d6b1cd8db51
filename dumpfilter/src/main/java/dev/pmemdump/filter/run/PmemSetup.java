package dev.pmemdump.filter.run;

import dev.pmemdump.filter.DumpInput;
import dev.pmemdump.filter.mm.MemMap;
import dev.pmemdump.filter.page.PageSource;
import dev.pmemdump.filter.pmem.PmemMetadata;
import dev.pmemdump.filter.pmem.PmemPolicy;
import dev.pmemdump.filter.pmem.RamMemmap;
import dev.pmemdump.filter.request.PmemSources;
import dev.pmemdump.filter.result.MetadataHash;
import dev.pmemdump.io.Range;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.TextInput;
import dev.pmemdump.filter.pmem.PmemRanges;
import dev.pmemdump.vmcore.iomem.Iomem;
import dev.pmemdump.vmcore.iomem.PmemParameter;

import java.io.IOException;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The pmem step of a run: the pmem PT_LOADs, their metadata ranges (on the device and, case C, the
 * memmap in RAM) as a {@link PmemPolicy}, and the RFC's sha256 line of each range, printed as found.
 */
record PmemSetup(PmemPolicy policy, List<MetadataHash> hashes) {
    /** A kernel command line is at most a few KiB (COMMAND_LINE_SIZE); anything larger is not one. */
    private static final int CMDLINE_MAX = 64 * 1024;
    private static final PmemSetup NONE = new PmemSetup(new PmemPolicy(List.of(), List.of()), List.of());

    static PmemSetup of(DumpInput input, PmemSources sources, Console console) throws IOException {
        long ps = input.source().pageSize();
        Iomem iomem = sources.iomem().isEmpty() ? null : Iomem.read(sources.iomem().get());
        PmemRanges ranges = PmemRanges.of(input.loads(), described(iomem, sources.cmdline()));
        List<Range> pmemBytes = ranges.loads();
        List<Range> pmemPfns = pmemBytes.stream().map(b -> b.scaleOut(ps)).toList();
        if (pmemPfns.isEmpty()) {
            return NONE;
        }
        List<PmemMetadata.InfoblockSource> infoblocks = new ArrayList<>();
        for (PmemSources.Infoblock ib : sources.infoblocks()) {
            infoblocks.add(new PmemMetadata.InfoblockSource(ib.path(),
                    ib.physicalStart().orElse(pmemBytes.get(0).start())));
        }
        PmemMetadata.Found found = PmemMetadata.find(input.vmcoreinfo(), input.kernel(), input.kernel().physical(),
                pmemBytes, ranges.namespaceStarts(), infoblocks, iomem, ps);
        List<List<Range>> inRam = ramMemmap(input, found.memmapInRam(), pmemPfns);
        PmemPolicy policy = new PmemPolicy(pmemPfns, found.ranges(), inRam.stream().flatMap(List::stream).toList());
        console.debug("pmem metadata from " + found.source() + ": " + policy.metadata().size() + " range(s), "
                + inRam.size() + " namespace(s) with memmap in RAM\n");
        List<MetadataHash> hashes = new ArrayList<>();
        for (Range r : policy.metadata()) {
            hashes.add(hash(input, r, MetadataHash.Location.DEVICE));
        }
        for (List<Range> ns : inRam) {
            for (Range r : ns) {
                hashes.add(hash(input, r, MetadataHash.Location.RAM));
            }
        }
        for (MetadataHash h : hashes) {
            console.msg(h.line() + "\n");
        }
        return new PmemSetup(policy, hashes);
    }

    /** What the first kernel's /proc/iomem and the capture command line say of its pmem. */
    private static List<PmemRanges.Described> described(Iomem iomem, Optional<Path> cmdline) throws IOException {
        List<PmemRanges.Described> out = new ArrayList<>();
        if (iomem != null) {
            out.add(PmemRanges.Described.of(iomem));
        }
        if (cmdline.isPresent()) {
            String text = TextInput.read(cmdline.get(), CMDLINE_MAX, "a kernel command line");
            try {
                PmemParameter.fromCmdline(text).ifPresent(p -> out.add(PmemRanges.Described.of(cmdline.get().toString(), p)));
            } catch (IllegalArgumentException e) {
                throw new CorruptInputException(cmdline.get().toString(), -1, e.getMessage());
            }
        }
        return out;
    }

    private static MetadataHash hash(DumpInput input, Range r, MetadataHash.Location where) throws IOException {
        return new MetadataHash(r, PmemMetadata.sha256(input.kernel().physical(), r, input.source().pageSize()), where);
    }

    /** Per namespace with its memmap in RAM, the RAM pfns of its vmemmap (case C). */
    private static List<List<Range>> ramMemmap(DumpInput input, List<Range> namespaces, List<Range> pmemPfns)
            throws IOException {
        if (namespaces.isEmpty()) {
            return List.of();
        }
        PageSource source = input.source();
        MemMap memMap = MemMap.read(input.vmcoreinfo(), input.kernel(), source.maxMapnr(), source.pageSize(),
                input.pageOffset());
        long structPage = input.vmcoreinfo().size("page");
        List<List<Range>> out = new ArrayList<>();
        for (Range ns : namespaces) {
            out.add(RamMemmap.pages(input.kernel().translation(), memMap, structPage, ns, pmemPfns,
                    source.pageSize()));
        }
        return out;
    }
}
