package dev.pmemdump.loadplan.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmemdump.io.AtomicOutput;
import dev.pmemdump.io.OutputRules;
import dev.pmemdump.loadplan.Load;
import dev.pmemdump.loadplan.NoteBuffer;
import dev.pmemdump.io.Range;
import dev.pmemdump.loadplan.PlanReport;
import dev.pmemdump.loadplan.fadump.FadumpConfig;
import dev.pmemdump.loadplan.fadump.FadumpLayout;
import dev.pmemdump.loadplan.fadump.FadumpVmcore;
import dev.pmemdump.vmcore.elf.ElfMachine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/** {@code pmemdump loadplan fadump}: the powerpc firmware-assisted dump reservation and its /proc/vmcore. */
@Command(name = "fadump",
        mixinStandardHelpOptions = true,
        description = {"Plan a powerpc firmware-assisted dump: boot memory size (larger of 5%% of RAM and 256 MiB, "
                + "or fadump_reserve_mem=), the reserved area at the top of memory (CPU state, HPTE, boot-memory "
                + "copy, ELF header), /sys/kernel/debug/powerpc/fadump_region before and after a crash, and the "
                + "elfcorehdr program headers."})
public final class FadumpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--ram", required = true, paramLabel = "SIZE", converter = SizeConverter.class,
            description = "System RAM (contiguous from 0).")
    long ram;

    @Option(names = "--reserve", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "fadump_reserve_mem=: boot memory size overriding the default rule.")
    Long reserve;

    @Option(names = "--cpu-state-size", paramLabel = "SIZE", converter = SizeConverter.class,
            defaultValue = "0x40020", description = "Firmware's CPU state area size (default: ${DEFAULT-VALUE}).")
    long cpuStateSize;

    @Option(names = "--hpte-size", paramLabel = "SIZE", converter = SizeConverter.class,
            defaultValue = "0x1000", description = "Firmware's HPTE region size (default: ${DEFAULT-VALUE}).")
    long hpteSize;

    @Option(names = "--page-size", paramLabel = "SIZE", converter = SizeConverter.class,
            defaultValue = "64K", description = "Kernel page size (default: ${DEFAULT-VALUE}).")
    long pageSize;

    @Option(names = "--cpus", paramLabel = "N", defaultValue = "1", description = "CPUs (default: ${DEFAULT-VALUE}).")
    int cpus;

    @Option(names = "--vmcoreinfo-addr", paramLabel = "ADDR", converter = HexConverter.class,
            description = "Physical address of the VMCOREINFO note (relocated if in boot memory).")
    Long vmcoreinfoAddr;

    @Option(names = "--json", description = "Print as JSON.")
    boolean json;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Also write the elfcorehdr.")
    Path output;

    @Option(names = {"-f", "--force"}, description = "Replace the -o file if it exists.")
    boolean force;

    @Option(names = "--endian", paramLabel = "be|le", defaultValue = "be",
            description = "Byte order of the elfcorehdr: be (ppc64) or le (ppc64le). Default: ${DEFAULT-VALUE}.")
    String endian;

    @Override
    public Integer call() throws Exception {
        FadumpConfig config = new FadumpConfig(ram, reserve == null ? OptionalLong.empty() : OptionalLong.of(reserve),
                cpuStateSize, hpteSize, pageSize);
        FadumpLayout layout = FadumpLayout.plan(config);
        FadumpVmcore vmcore = FadumpVmcore.of(layout, cpus,
                vmcoreinfoAddr == null ? OptionalLong.empty() : OptionalLong.of(vmcoreinfoAddr));
        if (output != null) {
            ElfMachine machine = switch (endian) {
                case "be" -> ElfMachine.PPC64;
                case "le" -> ElfMachine.PPC64LE;
                default -> throw new IllegalArgumentException("--endian must be be or le, not '" + endian + "'");
            };
            AtomicOutput.write(output, OutputRules.of(force, "--force"), vmcore.elfcorehdr(machine));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            out.println(mapper.writeValueAsString(json(mapper, layout, vmcore)));
        } else {
            out.printf("boot memory: %#x bytes%n", layout.bootMemorySize());
            out.println("reserved area: " + layout.reservedArea() + " (CPU state, HPTE, boot-memory copy, ELF)");
            out.println("ELF area: " + layout.elfArea() + String.format(" (elfcorehdr at %#x)", layout.elfcorehdrAddress()));
            out.println("fadump_region in the first kernel:");
            out.print(layout.regionReport(false));
            out.println("fadump_region in the second kernel:");
            out.print(layout.regionReport(true));
            for (NoteBuffer n : vmcore.notes()) {
                out.printf("note: %-10s phys %#x size %#x%n", n.what(), n.phys(), n.size());
            }
            for (int i = 0; i < vmcore.loads().size(); i++) {
                Load l = vmcore.loads().get(i);
                if (l.source() != l.phys()) {
                    out.printf("LOAD[%2d] is read from its copy at %#x%n", i, l.source());
                }
            }
            out.print(PlanReport.table(vmcore.loads()));
        }
        out.flush();
        return 0;
    }

    private static ObjectNode json(ObjectMapper mapper, FadumpLayout layout, FadumpVmcore vmcore) {
        ObjectNode root = mapper.createObjectNode();
        root.put("boot_memory_size", layout.bootMemorySize());
        range(root.putObject("reserved_area"), layout.reservedArea());
        range(root.putObject("cpu_state"), layout.cpuState());
        range(root.putObject("hpte"), layout.hpte());
        range(root.putObject("boot_memory_copy"), layout.bootCopy());
        range(root.putObject("elf_area"), layout.elfArea());
        root.put("elfcorehdr", PlanReport.hex(layout.elfcorehdrAddress()));
        root.put("fadump_region_first_kernel", layout.regionReport(false));
        root.put("fadump_region_second_kernel", layout.regionReport(true));
        ArrayNode loads = root.putArray("loads");
        for (Load l : vmcore.loads()) {
            loads.addObject().put("phys_start", PlanReport.hex(l.phys())).put("virt_start", PlanReport.hex(l.virt()))
                    .put("size", l.size()).put("source", PlanReport.hex(l.source()));
        }
        return root;
    }

    private static void range(ObjectNode node, Range r) {
        node.put("start", PlanReport.hex(r.start())).put("end", PlanReport.hex(r.inclusiveEnd())).put("size", r.length());
    }
}
