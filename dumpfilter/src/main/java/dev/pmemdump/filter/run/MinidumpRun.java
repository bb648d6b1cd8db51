package dev.pmemdump.filter.run;

import dev.pmemdump.filter.DumpInput;
import dev.pmemdump.filter.elf.ElfPageSource;
import dev.pmemdump.filter.level.PageCounts;
import dev.pmemdump.filter.minidump.CoreImageWriter;
import dev.pmemdump.filter.minidump.Regions;
import dev.pmemdump.filter.pmem.PmemPolicy;
import dev.pmemdump.filter.request.MinidumpRequest;
import dev.pmemdump.filter.result.FilterResult;
import dev.pmemdump.io.Range;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** --regions: only the named regions, never pmem user data, as a kmemdump-style coreimage. */
final class MinidumpRun {
    private MinidumpRun() {}

    static FilterResult run(MinidumpRequest req, Console console, OutputTarget out) throws IOException {
        Timings timings = new Timings();
        long started = System.nanoTime();
        try (DumpInput input = DumpInput.open(req.vmcore())) {
            LoadTable.print(console, input);
            PmemSetup pmem = PmemSetup.of(input, req.pmem(), console);
            timings.lap("open", started);
            if (!(input.source() instanceof ElfPageSource elf)) {
                throw new IllegalArgumentException("--regions needs an ELF vmcore as input");
            }
            List<Regions.Region> regions = regions(req.regions(), input, elf, pmem.policy());
            byte[] notes = elf.crashInfo().notes();
            long bytes = out.file(req.output(),
                    sink -> CoreImageWriter.write(elf.core().machine(), notes, regions, elf.physical(), sink));
            console.debug(regions.size() + " regions kept\n");
            return new FilterResult(0, elf.maxMapnr(), input.memoryHole(true), PageCounts.NONE,
                    OptionalLong.empty(), bytes, pmem.hashes(), List.of(req.output().toString()), timings.snapshot(),
                    Optional.empty(), 0);
        }
    }

    /** The listed regions; pmem-metadata wherever it lives (on the device and, case C, in RAM). */
    private static List<Regions.Region> regions(String spec, DumpInput input, ElfPageSource elf, PmemPolicy pmem)
            throws IOException {
        long ps = elf.pageSize();
        List<Range> metadata = new ArrayList<>(pmem.metadata());
        metadata.addAll(pmem.ramMetadata());
        List<Regions.Region> regions = Regions.parse(spec, elf.vmcoreinfo(), elf.kernel(), metadata, ps,
                input.pageOffset());
        for (Regions.Region r : regions) {
            for (Range u : pmem.userdata()) {
                if (r.paddr() < u.end() * ps && u.start() * ps < r.paddr() + r.size()) {
                    throw new IllegalArgumentException("--regions: " + r.name() + " [0x" + Long.toHexString(r.paddr())
                            + ", 0x" + Long.toHexString(r.paddr() + r.size()) + ") overlaps pmem user data");
                }
            }
        }
        return regions;
    }
}
