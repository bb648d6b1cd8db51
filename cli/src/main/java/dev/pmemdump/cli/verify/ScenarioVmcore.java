package dev.pmemdump.cli.verify;

import dev.pmemdump.filter.DumpInput;
import dev.pmemdump.images.Manifest;
import dev.pmemdump.vmcore.elf.ProgramHeader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A scenario's /proc/vmcore, opened once: every filter run of the scenario and the facts the checks
 * need from it (its PT_LOADs, the zero pages of the pmem metadata) share the one opened input.
 */
final class ScenarioVmcore implements AutoCloseable {
    private final Path path;
    private final DumpInput input;
    private final long metadataZeroPages;

    private ScenarioVmcore(Path path, DumpInput input, long metadataZeroPages) {
        this.path = path;
        this.input = input;
        this.metadataZeroPages = metadataZeroPages;
    }

    static ScenarioVmcore open(Path vmcore, Manifest m) throws IOException {
        DumpInput in = DumpInput.open(vmcore);
        try {
            return new ScenarioVmcore(vmcore, in, metadataZeroPages(in, m));
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    Path path() {
        return path;
    }

    DumpInput input() {
        return input;
    }

    List<ProgramHeader> loads() {
        return input.loads();
    }

    /**
     * Zero-filled pages of the manifest's metadata ranges that lie in pmem: kept pmem metadata is
     * zero-checked like any kept page, so the filter counts these as zero pages, which the manifest's
     * RAM-only counts do not hold.
     */
    long metadataZeroPages() {
        return metadataZeroPages;
    }

    private static long metadataZeroPages(DumpInput in, Manifest m) throws IOException {
        long n = 0;
        int pageSize = in.source().pageSize();
        byte[] page = new byte[pageSize];
        byte[] zero = new byte[pageSize];
        for (Manifest.MetadataRange r : m.pmemMetadata()) {
            for (long pfn = r.startPfn(); pfn < r.endPfn(); pfn++) {
                long pa = pfn * pageSize;
                boolean inPmem = in.loads().stream().anyMatch(ph -> ph.isPmem() && ph.containsPhysical(pa));
                if (inPmem) {
                    in.source().read(pfn, page);
                    if (Arrays.equals(page, zero)) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        input.close();
    }
}
