package dev.pmemdump.filter.memusage;

import dev.pmemdump.filter.DumpInput;
import dev.pmemdump.filter.cli.MakedumpfileArgs;
import dev.pmemdump.filter.kdump.PageCodec;
import dev.pmemdump.filter.level.DumpLevel;
import dev.pmemdump.filter.page.PageSourceMemory;
import dev.pmemdump.filter.page.ProbedDump;
import dev.pmemdump.filter.request.DumpRequest;
import dev.pmemdump.filter.request.DumpTarget;
import dev.pmemdump.filter.request.OutputFormat;
import dev.pmemdump.filter.request.PmemSources;
import dev.pmemdump.filter.request.Reports;
import dev.pmemdump.filter.result.FilterResult;
import dev.pmemdump.filter.run.Console;
import dev.pmemdump.filter.run.Filter;
import dev.pmemdump.filter.run.KernelVersion;
import dev.pmemdump.io.ReadMethod;
import dev.pmemdump.io.Range;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.VmcoreInfoHints;
import dev.pmemdump.vmcore.iomem.Iomem;
import dev.pmemdump.vmcore.iomem.Resource;
import dev.pmemdump.vmcore.xlat.KernelMemory;
import dev.pmemdump.vmcore.xlat.MappedRange;
import dev.pmemdump.vmcore.xlat.X86_64Translation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code makedumpfile --mem-usage /proc/kcore}, as makedumpfile 1.7.2 runs it on a live system: the
 * running kernel's version is checked (notice outside 2.6.15..6.0.1; below 4.11, whose kcore has no
 * p_paddr, refused without -f), memory must be reserved for a crash kernel (/proc/iomem), then the pages
 * the kcore's physical PT_LOADs hold, less that reservation, are classified at dump level 31 and counted
 * in a table. Nothing is written.
 */
public final class MemUsage {
    /** makedumpfile's DL_EXCLUDE_* bits it knows: dump level 31. */
    private static final int LEVEL = DumpLevel.EXCLUDE_ZERO | DumpLevel.EXCLUDE_CACHE | DumpLevel.EXCLUDE_CACHE_PRI
            | DumpLevel.EXCLUDE_USER_DATA | DumpLevel.EXCLUDE_FREE;
    private static final int KCORE_WITH_PADDR = KernelVersion.of(4, 11, 0);

    private MemUsage() {}

    /**
     * makedumpfile --mem-usage: its messages on {@code console}, then its closing lines; returns its exit
     * status (0 the table was printed, 1 failed). "makedumpfile Failed." is a common message, as the filter's.
     */
    public static int command(MakedumpfileArgs args, LiveSystem system, Console console) {
        boolean ok = false;
        try {
            ok = run(args, system, console);
        } catch (NoSuchFileException | AccessDeniedException e) {
            console.error("open_dump_memory: Can't open the dump memory(" + e.getFile() + "). "
                    + (e instanceof NoSuchFileException ? "No such file or directory" : "Permission denied") + "\n");
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            console.error(m.lines().findFirst().orElse(m) + "\n");
        }
        if (ok) {
            console.msg("\n");
            return 0;
        }
        console.msg("\nmakedumpfile Failed.\n");
        return 1;
    }

    /** Runs --mem-usage on {@code args}' one operand; the console gets makedumpfile's messages. */
    static boolean run(MakedumpfileArgs args, LiveSystem system, Console console) throws IOException {
        int version = KernelVersion.notice(console, system.release(), 1);
        if (version < KCORE_WITH_PADDR && !args.force()) {
            console.msg("mem-usage not supported for this kernel.\n"
                    + "You can try with -f if your kernel's kcore has valid p_paddr\n");
            return false;
        }
        List<Range> reserved = crashKernel(system.iomem(), console);
        if (reserved.isEmpty()) {
            console.error("show_mem_usage: No memory is reserved for crashkernel!\n");
            return false;
        }
        Path kcore = Path.of(args.operands().getFirst());
        MemUsageTable table = count(kcore, reserved, system);
        console.msg(table.format());
        return true;
    }

    /** The "Crash kernel" lines of /proc/iomem at any depth (makedumpfile's iomem_for_each_line). */
    static List<Range> crashKernel(Path iomem, Console console) throws IOException {
        if (!Files.isReadable(iomem)) {
            console.error("iomem_for_each_line: Cannot open " + iomem + "\n");
            return List.of();
        }
        return Iomem.read(iomem).named("Crash kernel").stream().map(Resource::range).toList();
    }

    /** The table for the kcore at {@code path}: a dry run at dump level 31 over its physical pages. */
    static MemUsageTable count(Path path, List<Range> reserved, LiveSystem system) throws IOException {
        Kcore kcore = Kcore.open(path, reserved, system);
        DumpInput input;
        try {
            VmcoreInfo vi = kcore.vmcoreinfo();
            List<MappedRange> ranges = kcore.loads().stream()
                    .map(ph -> new MappedRange(ph.vaddr(), ph.paddr(), ph.memsz())).toList();
            VmcoreInfoHints hints = VmcoreInfoHints.of(vi).withMappedRanges(ranges);
            PageSourceMemory memory = new PageSourceMemory(kcore);
            KernelMemory kernel = new KernelMemory(memory, X86_64Translation.of(memory, hints), ByteOrder.LITTLE_ENDIAN);
            input = DumpInput.of(new ProbedDump(kcore, vi, hints, kernel, kcore.loads(), 0));
        } catch (IOException | RuntimeException e) {
            kcore.close();
            throw e;
        }
        try (input) {
            // the dry run needs a target name; nothing is written, not even checked
            DumpRequest request = new DumpRequest(path, LEVEL, OutputFormat.kdump(PageCodec.NONE),
                    new DumpTarget.File(path.resolveSibling(path.getFileName() + ".mem-usage")), 0, PmemSources.NONE,
                    Reports.NONE, true, 0, ReadMethod.MMAP_WHERE_FASTER);
            FilterResult r = Filter.run(request, input, Console.silent());
            return new MemUsageTable(kcore.pageSize(), r.maxMapnr(), r.memoryHole(), r.counts());
        }
    }
}
