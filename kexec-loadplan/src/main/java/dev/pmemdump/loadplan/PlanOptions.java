package dev.pmemdump.loadplan;

import java.util.List;
import java.util.OptionalLong;

/**
 * What a {@link LoadPlan} needs besides {@code /proc/iomem}. Start from {@link #of(LoadMode)} and
 * change fields with the {@code with...} methods.
 *
 * @param mode               kexec_load (kexec-tools rules) or kexec_file_load (kernel rules)
 * @param pmem               the RFC's pmem PT_LOADs (true) or today's upstream behaviour (false)
 * @param includeLegacyPmem  also dump "Persistent Memory (legacy)" (E820 type 12), left out by the RFC
 * @param crashKernel        {@code crashkernel=} values, used only when iomem has no "Crash kernel" yet
 * @param cpus               configured CPUs: one note placeholder each when cpuNotes is empty (0: none); kexec_load
 *                           also sizes its header for this many
 * @param cpuNotes           per-CPU notes with real addresses (from sysfs), or empty
 * @param vmcoreinfoNote     the VMCOREINFO note (from /sys/kernel/vmcoreinfo), or null for a placeholder
 * @param kernel             KERNELOFFSET and phys_base from VMCOREINFO
 * @param kernelSize         {@code _end - _text} (the /proc/kcore text segment), empty when unknown
 * @param pageOffset         direct-map base (KASLR's page_offset_base), empty for 0xffff888000000000
 */
public record PlanOptions(LoadMode mode, boolean pmem, boolean includeLegacyPmem, List<CrashKernelSpec> crashKernel,
                          int cpus, List<NoteBuffer> cpuNotes, NoteBuffer vmcoreinfoNote, KernelFacts kernel,
                          OptionalLong kernelSize, OptionalLong pageOffset) {

    public PlanOptions {
        crashKernel = List.copyOf(crashKernel);
        cpuNotes = List.copyOf(cpuNotes);
        if (cpus < 0) {
            throw new IllegalArgumentException("negative CPU count: " + cpus);
        }
        if (cpus > X86Layout.MAX_CPUS) {
            throw new IllegalArgumentException(cpus + " CPUs: the kernel supports at most " + X86Layout.MAX_CPUS
                    + " (NR_CPUS of CONFIG_MAXSMP)");
        }
    }

    /** Defaults: pmem marking on, no legacy pmem, no crashkernel= value, one CPU, facts unknown. */
    public static PlanOptions of(LoadMode mode) {
        return new PlanOptions(mode, true, false, List.of(), 1, List.of(), null, KernelFacts.UNKNOWN,
                OptionalLong.empty(), OptionalLong.empty());
    }

    public PlanOptions withPmem(boolean on) {
        return new PlanOptions(mode, on, includeLegacyPmem, crashKernel, cpus, cpuNotes, vmcoreinfoNote, kernel,
                kernelSize, pageOffset);
    }

    public PlanOptions withLegacyPmem(boolean on) {
        return new PlanOptions(mode, pmem, on, crashKernel, cpus, cpuNotes, vmcoreinfoNote, kernel, kernelSize,
                pageOffset);
    }

    public PlanOptions withCrashKernel(List<CrashKernelSpec> specs) {
        return new PlanOptions(mode, pmem, includeLegacyPmem, specs, cpus, cpuNotes, vmcoreinfoNote, kernel,
                kernelSize, pageOffset);
    }

    public PlanOptions withCpus(int n) {
        return new PlanOptions(mode, pmem, includeLegacyPmem, crashKernel, n, cpuNotes, vmcoreinfoNote, kernel,
                kernelSize, pageOffset);
    }

    public PlanOptions withCpuNotes(List<NoteBuffer> notes) {
        return new PlanOptions(mode, pmem, includeLegacyPmem, crashKernel, cpus, notes, vmcoreinfoNote, kernel,
                kernelSize, pageOffset);
    }

    public PlanOptions withVmcoreinfoNote(NoteBuffer note) {
        return new PlanOptions(mode, pmem, includeLegacyPmem, crashKernel, cpus, cpuNotes, note, kernel, kernelSize,
                pageOffset);
    }

    public PlanOptions withKernel(KernelFacts facts) {
        return new PlanOptions(mode, pmem, includeLegacyPmem, crashKernel, cpus, cpuNotes, vmcoreinfoNote, facts,
                kernelSize, pageOffset);
    }

    public PlanOptions withKernelSize(long size) {
        return new PlanOptions(mode, pmem, includeLegacyPmem, crashKernel, cpus, cpuNotes, vmcoreinfoNote, kernel,
                OptionalLong.of(size), pageOffset);
    }

    public PlanOptions withPageOffset(long base) {
        return new PlanOptions(mode, pmem, includeLegacyPmem, crashKernel, cpus, cpuNotes, vmcoreinfoNote, kernel,
                kernelSize, OptionalLong.of(base));
    }
}
