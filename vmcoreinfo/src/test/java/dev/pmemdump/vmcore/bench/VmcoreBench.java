package dev.pmemdump.vmcore.bench;

import dev.pmemdump.testing.Outputs;
import dev.pmemdump.io.MappedImage;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.VmcoreInfoHints;
import dev.pmemdump.vmcore.VmcoreInfoNote;
import dev.pmemdump.vmcore.elf.ElfCore;
import dev.pmemdump.vmcore.elf.ElfCoreWriter;
import dev.pmemdump.vmcore.elf.ElfMachine;
import dev.pmemdump.vmcore.elf.ElfPhysicalMemory;
import dev.pmemdump.vmcore.xlat.X86_64Translation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Speed of the pieces the filter and the scenario builder lean on, on the real 6.1 vmcore (322 MB):
 * page-table walks of vmemmap addresses, and writing a whole /proc/vmcore-shaped copy.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class VmcoreBench {
    MappedImage image;
    ElfCore core;
    X86_64Translation xlat;
    long vmemmap;
    long i;
    Path out;

    @Setup(Level.Trial)
    public void open() throws Exception {
        image = MappedImage.open(Fixtures.unzstd("linux-6.1-qemu/kdump-file/vmcore.raw.zst"), MappedImage.Access.READ_ONLY);
        core = ElfCore.open(image);
        VmcoreInfo info = VmcoreInfoNote.from(core);
        ElfPhysicalMemory phys = new ElfPhysicalMemory(core);
        xlat = X86_64Translation.of(phys, VmcoreInfoHints.of(info).withMappedRanges(core.mappedRanges()));
        long section = phys.readLong(xlat.toPhysical(info.symbol("mem_section")), core.order());
        vmemmap = phys.readLong(xlat.toPhysical(section), core.order()) & ~0x1fL;
        out = Files.createTempFile("vmcore-bench", ".vmcore");
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        image.close();
        Files.deleteIfExists(out);
    }

    /** One 4-level walk of a struct page address (vmemmap, 2 MiB pages), 98 k pages spread over RAM. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long walkVmemmap() throws Exception {
        long pfn = (i++ * 7919) % 0x17fdf;
        return xlat.walk(vmemmap + pfn * 64).physicalAddress();
    }

    /** Writes the whole 322 MB vmcore again (reads every page, skips zero pages as holes). */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1)
    @Measurement(iterations = 5)
    public Object writeVmcore() throws Exception {
        return Outputs.written(out, o -> ElfCoreWriter.writeVmcore(o, ElfMachine.X86_64, 4096, core.notes(),
                core.loads().stream().map(ph -> ph.withOffset(ph.paddr())).toList(), new ElfPhysicalMemory(core)));
    }
}
