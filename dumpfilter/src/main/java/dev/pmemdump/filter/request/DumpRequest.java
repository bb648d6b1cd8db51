package dev.pmemdump.filter.request;

import dev.pmemdump.io.ReadMethod;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Filter a vmcore into a dump: makedumpfile's main mode.
 *
 * @param vmcore    the ELF /proc/vmcore (or a copy) or a kdump-compressed dump to filter again
 * @param dumpLevel the -d value (0-63); a kdump input's stored level is ORed in
 * @param format    ELF or kdump-compressed with a page codec
 * @param target    one file, split parts, or a flattened stream
 * @param threads   compression threads (0 or 1: in the writing thread)
 * @param pmem      where pmem metadata is described besides the vmcore
 * @param reports   the report files wanted
 * @param dryRun    --dry-run: do all but write the dump (its bytes are counted; the reports are written)
 * @param sizeLimit -L: bytes the dump file may hold, compared signed as makedumpfile does (0 or -1: no limit)
 * @param reading   how the input's pages are read (--non-mmap: pread only)
 */
public record DumpRequest(Path vmcore, int dumpLevel, OutputFormat format, DumpTarget target, int threads,
                          PmemSources pmem, Reports reports, boolean dryRun, long sizeLimit, ReadMethod reading)
        implements FilterRequest {
    public DumpRequest {
        Objects.requireNonNull(vmcore);
        Objects.requireNonNull(reading);
        Objects.requireNonNull(format);
        Objects.requireNonNull(target);
        Objects.requireNonNull(pmem);
        Objects.requireNonNull(reports);
        if (format instanceof OutputFormat.Elf && target instanceof DumpTarget.Split) {
            throw new IllegalArgumentException("--split needs kdump-compressed output");
        }
    }

    /** A run that writes its dump. */
    public DumpRequest(Path vmcore, int dumpLevel, OutputFormat format, DumpTarget target, int threads,
                       PmemSources pmem, Reports reports) {
        this(vmcore, dumpLevel, format, target, threads, pmem, reports, false, 0, ReadMethod.MMAP_WHERE_FASTER);
    }

    /** A plain run: one file, no hints, no reports. */
    public static DumpRequest of(Path vmcore, int dumpLevel, OutputFormat format, Path dumpfile) {
        return new DumpRequest(vmcore, dumpLevel, format, new DumpTarget.File(dumpfile), 0, PmemSources.NONE,
                Reports.NONE);
    }
}
