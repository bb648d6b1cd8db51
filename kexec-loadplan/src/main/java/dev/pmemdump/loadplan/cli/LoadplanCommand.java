package dev.pmemdump.loadplan.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pmemdump.loadplan.CrashKernelSpec;
import dev.pmemdump.loadplan.Elfcorehdr;
import dev.pmemdump.vmcore.iomem.Iomem;
import dev.pmemdump.loadplan.KernelFacts;
import dev.pmemdump.loadplan.LoadMode;
import dev.pmemdump.loadplan.LoadPlan;
import dev.pmemdump.loadplan.PlanOptions;
import dev.pmemdump.loadplan.PlanReport;
import dev.pmemdump.loadplan.SysfsNotes;
import dev.pmemdump.loadplan.X86Layout;
import dev.pmemdump.io.AtomicOutput;
import dev.pmemdump.io.OutputRules;
import dev.pmemdump.io.TextInput;
import dev.pmemdump.vmcore.VmcoreInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code pmemdump loadplan}: the elfcorehdr a kexec crash load would build, with pmem marked. */
@Command(name = "loadplan",
        mixinStandardHelpOptions = true,
        subcommands = {FadumpCommand.class, KexecLoadCommand.class},
        description = {"Plan the elfcorehdr that kexec -p (kexec_load) or kexec -s -p (kexec_file_load) builds "
                + "from /proc/iomem, with each \"Persistent Memory\" range as its own PT_LOAD marked PF_DEV "
                + "(0x10) as in the 2023 pmem RFC. Prints makedumpfile's PT_LOAD table with is_pmem."})
public final class LoadplanCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--iomem", paramLabel = "FILE", description = "/proc/iomem text (default: ${DEFAULT-VALUE}).",
            defaultValue = "/proc/iomem")
    Path iomem;

    @Option(names = "--mode", paramLabel = "load|file", defaultValue = "file",
            description = "load: kexec_load rules (kexec-tools); file: kexec_file_load rules (kernel). "
                    + "Default: ${DEFAULT-VALUE}.")
    String mode;

    @Option(names = "--crashkernel", paramLabel = "SPEC",
            description = "crashkernel= value(s) to place when iomem has no \"Crash kernel\" yet "
                    + "(256M, 256M@16M, 512M-2G:64M,2G-:128M, 1G,high, 128M,low). Repeatable.")
    List<String> crashkernel = new ArrayList<>();

    @Option(names = "--cpus", paramLabel = "N", defaultValue = "1",
            description = "Possible CPUs: one per-CPU note placeholder each (default: ${DEFAULT-VALUE}).")
    int cpus;

    @Option(names = "--sysfs", paramLabel = "DIR",
            description = "A sysfs root (e.g. /sys): real note addresses from devices/system/cpu/cpuN/crash_notes "
                    + "and kernel/vmcoreinfo.")
    Path sysfs;

    @Option(names = "--vmcoreinfo", paramLabel = "FILE",
            description = "VMCOREINFO text of the running kernel: KERNELOFFSET places the kernel text PT_LOAD, "
                    + "phys_base is checked against \"Kernel code\".")
    Path vmcoreinfo;

    @Option(names = "--vmcoreinfo-note", paramLabel = "FILE",
            description = "Contents of /sys/kernel/vmcoreinfo ('address size', hex): the VMCOREINFO PT_NOTE.")
    Path vmcoreinfoNote;

    @Option(names = "--kernel-size", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "_end - _text of the running kernel (the /proc/kcore text segment); without it the "
                    + "kernel text PT_LOAD is left out.")
    Long kernelSize;

    @Option(names = "--page-offset", paramLabel = "ADDR", converter = HexConverter.class,
            description = "Direct-map base (KASLR page_offset_base); default 0xffff888000000000.")
    Long pageOffset;

    @Option(names = "--no-pmem", description = "Upstream behaviour: no pmem PT_LOADs.")
    boolean noPmem;

    @Option(names = "--include-legacy-pmem", description = "Also dump \"Persistent Memory (legacy)\" ranges.")
    boolean includeLegacyPmem;

    @Option(names = "--json", description = "Print the plan as JSON.")
    boolean json;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Also write the elfcorehdr (ELF header + program headers, p_offset = physical address).")
    Path output;

    @Option(names = {"-f", "--force"}, description = "Replace the -o file if it exists.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        LoadPlan plan = LoadPlan.build(Iomem.read(iomem), options());
        if (output != null) {
            AtomicOutput.write(output, OutputRules.of(force, "--force").notOver(inputs()), Elfcorehdr.encode(plan));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(PlanReport.json(plan, new ObjectMapper())));
        } else {
            out.print(PlanReport.text(plan));
        }
        out.flush();
        return 0;
    }

    /** Every file this command reads: the elfcorehdr must not be written over any of them. */
    private List<Path> inputs() {
        List<Path> in = new ArrayList<>(List.of(iomem));
        for (Path p : new Path[] {vmcoreinfo, vmcoreinfoNote}) {
            if (p != null) {
                in.add(p);
            }
        }
        return in;
    }

    private PlanOptions options() throws Exception {
        LoadMode m = switch (mode) {
            case "load" -> LoadMode.LOAD;
            case "file" -> LoadMode.FILE;
            default -> throw new IllegalArgumentException("--mode must be load or file, not '" + mode + "'");
        };
        List<CrashKernelSpec> specs = new ArrayList<>();
        for (String s : crashkernel) {
            specs.add(CrashKernelSpec.parse(s));
        }
        PlanOptions o = PlanOptions.of(m).withPmem(!noPmem).withLegacyPmem(includeLegacyPmem)
                .withCrashKernel(specs).withCpus(cpus);
        if (sysfs != null) {
            o = o.withCpuNotes(SysfsNotes.cpus(sysfs, m == LoadMode.FILE
                    ? X86Layout.NOTE_BUF_BYTES : X86Layout.KEXEC_TOOLS_NOTE_BYTES))
                    .withCpus(SysfsNotes.configuredCpus(sysfs));
            Path vi = sysfs.resolve("kernel/vmcoreinfo");
            o = o.withVmcoreinfoNote(SysfsNotes.vmcoreinfo(vi.toString(), SysfsNotes.attribute(vi)));
        }
        if (vmcoreinfoNote != null) {
            o = o.withVmcoreinfoNote(SysfsNotes.vmcoreinfo(vmcoreinfoNote.toString(), SysfsNotes.attribute(vmcoreinfoNote)));
        }
        if (vmcoreinfo != null) {
            o = o.withKernel(KernelFacts.from(VmcoreInfo.parse(TextInput.read(vmcoreinfo, VmcoreInfo.MAX_NOTE_BYTES,
                    "a VMCOREINFO text (one page)"), vmcoreinfo.toString())));
        }
        if (kernelSize != null) {
            o = o.withKernelSize(kernelSize);
        }
        if (pageOffset != null) {
            o = o.withPageOffset(pageOffset);
        }
        return o;
    }
}
