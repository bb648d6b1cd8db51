package dev.pmemdump.loadplan.cli;

import dev.pmemdump.loadplan.stock.KexecArguments;
import dev.pmemdump.loadplan.stock.Lockdown;
import dev.pmemdump.vmcore.iomem.PmemParameter;
import dev.pmemdump.loadplan.stock.RelabelledIomem;
import dev.pmemdump.loadplan.stock.StockKernelLoad;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code pmemdump loadplan kexec-load}: the stock-kernel path to a vmcore that contains pmem. */
@Command(name = "kexec-load",
        mixinStandardHelpOptions = true,
        description = {"Run the distribution's kexec crash load (kexec_load) so that the capture kernel's "
                + "/proc/vmcore includes pmem, on an unpatched kernel: kexec runs in a private mount namespace "
                + "where /proc/iomem shows each \"Persistent Memory\" range as \"System RAM\"; the global "
                + "/proc/iomem is never changed. Adds -c (kexec_load) and appends pmemdump.pmem=RANGES to the "
                + "capture kernel's command line, so that the filter there knows which PT_LOADs are pmem. "
                + "Refused for kexec_file_load (-s) and under kernel lockdown, where pmem cannot be included "
                + "without the RFC kernel patch.",
                "Example: pmemdump loadplan kexec-load -- -p /boot/vmlinuz --initrd=/boot/initrd.img-kdump "
                        + "--append=\"irqpoll nr_cpus=1 reset_devices\""})
public final class KexecLoadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--iomem", paramLabel = "FILE", defaultValue = "/proc/iomem",
            description = "The first kernel's /proc/iomem (default: ${DEFAULT-VALUE}).")
    Path iomem;

    @Option(names = "--lockdown", paramLabel = "FILE", defaultValue = "/sys/kernel/security/lockdown",
            description = "The kernel's lockdown state (default: ${DEFAULT-VALUE}).")
    Path lockdown;

    @Option(names = "--kexec", paramLabel = "PROGRAM", defaultValue = "/usr/sbin/kexec",
            description = "kexec-tools' kexec (default: ${DEFAULT-VALUE}).")
    Path kexec;

    @Option(names = "--unshare", paramLabel = "PROGRAM", defaultValue = "/usr/bin/unshare",
            description = "util-linux's unshare (default: ${DEFAULT-VALUE}).")
    Path unshare;

    @Option(names = "--dry-run", description = "Print the relabelled iomem and the command; run nothing.")
    boolean dryRun;

    @Parameters(paramLabel = "KEXEC_ARGS", description = "kexec's arguments, after --.")
    List<String> kexecArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Lockdown state = Lockdown.read(lockdown);
        if (state.forbidsKexecLoad()) {
            throw new IllegalArgumentException(lockdown + ": lockdown=" + state.mode() + " allows only "
                    + "kexec_file_load, which cannot put pmem into the vmcore without the RFC kernel patch");
        }
        RelabelledIomem relabelled = RelabelledIomem.of(iomem.toString(), Files.readString(iomem));
        PmemParameter parameter = relabelled.pmem();
        List<String> args = KexecArguments.complete(kexecArgs, parameter);
        StockKernelLoad load = new StockKernelLoad(unshare, kexec);
        PrintWriter out = spec.commandLine().getOut();
        if (dryRun) {
            out.print(relabelled.text());
            out.println(String.join(" ", load.command(Path.of("IOMEM_COPY"), args)));
            out.flush();
            return 0;
        }
        for (Path program : List.of(unshare, kexec)) {
            if (!Files.isExecutable(program)) {
                throw new java.nio.file.NoSuchFileException(program.toString());
            }
        }
        out.println("pmem as System RAM for kexec: " + parameter.format());
        out.flush();
        int status = load.run(relabelled, args);
        if (status != 0) {
            spec.commandLine().getErr().println("kexec-load: " + kexec + " exited " + status);
        }
        return status;
    }
}
