package dev.pmemdump.loadplan;

import dev.pmemdump.vmcore.iomem.Iomem;
import dev.pmemdump.vmcore.iomem.Resource;
import dev.pmemdump.io.Range;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.vmcore.VmcoreInfoNote;
import dev.pmemdump.vmcore.elf.ElfCoreWriter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What the capture kernel will be told about the first kernel's memory: the PT_NOTE and PT_LOAD
 * program headers of the elfcorehdr, built from {@code /proc/iomem} by the rules of the chosen
 * {@link LoadMode}, with the 2023 pmem RFC's PF_DEV marking when switched on.
 *
 * <p>kexec_load (kexec-tools): every "System RAM" range minus "Crash kernel" and "GART"; the RAM
 * chunk below 640 KiB is read from its backup copy, which kexec-tools places top-down in crash memory
 * ({@link KexecToolsMemory}); pmem ranges appear in address order among the RAM ranges. kexec_file_load (the kernel): every "System RAM" range minus the low
 * 1 MiB and the crashkernel ranges, then the pmem ranges. Both put the kernel text PT_LOAD first.
 * "Persistent Memory (legacy)" is left out unless asked for; RAM hot-plugged from pmem ("System RAM
 * (kmem)") is dumped as RAM and carved out of the pmem loads so no two PT_LOADs overlap.
 */
public final class LoadPlan {
    private static final long ELF64_EHDR = 64;
    private static final long ELF64_PHDR = 56;
    private final LoadMode mode;
    private final List<Range> crashKernel;
    private final String crashKernelOrigin;
    private final List<NoteBuffer> notes;
    private final List<Load> loads;
    private final List<String> warnings;
    private final long elfcorehdrSize;

    private LoadPlan(LoadMode mode, List<Range> crashKernel, String crashKernelOrigin, List<NoteBuffer> notes,
                     List<Load> loads, List<String> warnings, long elfcorehdrSize) {
        this.mode = mode;
        this.crashKernel = List.copyOf(crashKernel);
        this.crashKernelOrigin = crashKernelOrigin;
        this.notes = List.copyOf(notes);
        this.loads = List.copyOf(loads);
        this.warnings = List.copyOf(warnings);
        this.elfcorehdrSize = elfcorehdrSize;
    }

    public static LoadPlan build(Iomem iomem, PlanOptions o) throws CorruptInputException {
        List<String> warnings = new ArrayList<>();
        List<Range> crash = iomem.named(Resource.CRASH_KERNEL).stream().map(Resource::range).toList();
        String crashOrigin = iomem.source();
        if (crash.isEmpty()) {
            if (o.crashKernel().isEmpty()) {
                throw new IllegalArgumentException(iomem.source() + ": no \"Crash kernel\" resource and no "
                        + "crashkernel= value: the first kernel reserved no memory for a capture kernel");
            }
            CrashKernelReservation r = CrashKernelReservation.place(iomem, o.crashKernel());
            crash = r.ranges();
            crashOrigin = r.message().replace('\n', ';');
        }

        long pageOffset = o.pageOffset().orElse(X86Layout.PAGE_OFFSET);
        if (o.pageOffset().isEmpty()) {
            warnings.add("direct-map addresses assume PAGE_OFFSET 0x" + Long.toHexString(pageOffset)
                    + " (KASLR's page_offset_base not given)");
        }

        List<Load> loads = new ArrayList<>();
        kernelText(iomem, o, warnings).ifPresent(loads::add);

        RangeSet allRam = RangeSet.of(iomem.matching(Resource::isSystemRam).stream().map(Resource::range).toList());
        KexecToolsMemory kexecTools = o.mode() == LoadMode.LOAD ? KexecToolsMemory.of(iomem, crash) : null;
        List<Range> ram = kexecTools != null ? kexecTools.ram()
                : allRam.minus(crash).minus(new Range(0, X86Layout.LOW_1M)).ranges();
        List<Range> pmem = List.of();
        if (o.pmem()) {
            List<Resource> pmemResources = new ArrayList<>(iomem.named(Resource.PERSISTENT_MEMORY));
            if (o.includeLegacyPmem()) {
                pmemResources.addAll(iomem.named(Resource.PERSISTENT_MEMORY_LEGACY));
            }
            pmem = RangeSet.of(pmemResources.stream().map(Resource::range).toList())
                    .minus(allRam.ranges()).minus(crash).ranges();
        }

        Range backupSource = kexecTools != null ? kexecTools.backupSource().orElse(null) : null;
        long backupDest = backupSource != null ? KexecToolsMemory.backupStart(crash, backupSource) : -1;
        List<Load> memory = new ArrayList<>();
        for (Range r : ram) {
            long source = r.equals(backupSource) ? backupDest : r.start();
            memory.add(new Load(Load.Kind.RAM, r.start(), pageOffset + r.start(), r.length(), source, false));
        }
        for (Range r : pmem) {
            memory.add(new Load(Load.Kind.PMEM, r.start(), pageOffset + r.start(), r.length(), r.start(), true));
        }
        if (o.mode() == LoadMode.LOAD) {
            // kexec-tools keeps /proc/iomem's address order; the kernel appends the pmem walk after RAM.
            memory.sort(Comparator.comparingLong(Load::phys));
        }
        loads.addAll(memory);

        List<NoteBuffer> notes = new ArrayList<>(o.cpuNotes());
        if (notes.isEmpty()) {
            long size = o.mode() == LoadMode.FILE ? X86Layout.NOTE_BUF_BYTES : X86Layout.KEXEC_TOOLS_NOTE_BYTES;
            for (int cpu = 0; cpu < o.cpus(); cpu++) {
                notes.add(new NoteBuffer("CPU " + cpu, 0, size));
            }
        }
        notes.add(o.vmcoreinfoNote() != null ? o.vmcoreinfoNote()
                : new NoteBuffer("VMCOREINFO", 0, VmcoreInfoNote.kernelBufferSize((int) X86Layout.PAGE_SIZE)));
        if (notes.stream().anyMatch(NoteBuffer::isPlaceholder)) {
            warnings.add("note addresses not known (placeholders at 0): read them from /sys with --sysfs");
        }
        long headers = ELF64_EHDR + ELF64_PHDR * (notes.size() + loads.size());
        long size = alignUp(headers, o.mode() == LoadMode.FILE
                ? ElfCoreWriter.KERNEL_ELFCOREHDR_ALIGN : ElfCoreWriter.KEXEC_TOOLS_ELFCOREHDR_ALIGN);
        if (kexecTools != null) {
            // kexec-tools sizes its buffer for every configured CPU and every crash memory range.
            int cpus = Math.max(o.cpus(), notes.size() - 1);
            boolean text = loads.stream().anyMatch(l -> l.kind() == Load.Kind.KERNEL_TEXT);
            size = Math.max(size, kexecTools.elfcorehdrSize(cpus, true, text));
        }
        return new LoadPlan(o.mode(), crash, crashOrigin, notes, loads, warnings, size);
    }

    /**
     * The kernel text PT_LOAD: physical start of "Kernel code", virtual start of {@code _text}
     * (default link address plus KERNELOFFSET), size {@code _end - _text}; kexec-tools rounds the
     * start down to 1 MiB and the size up to a page.
     */
    private static Optional<Load> kernelText(Iomem iomem, PlanOptions o, List<String> warnings)
            throws CorruptInputException {
        List<Resource> code = iomem.named(Resource.KERNEL_CODE);
        if (code.isEmpty()) {
            warnings.add("no \"Kernel code\" in " + iomem.source() + ": kernel text PT_LOAD left out");
            return Optional.empty();
        }
        long phys = code.getFirst().start();
        KernelFacts k = o.kernel();
        long virt = k.textVirt();
        if (k.physBase().isPresent() && virt - X86Layout.START_KERNEL_MAP + k.physBase().getAsLong() != phys) {
            throw new CorruptInputException(k.source(), -1, "KERNELOFFSET and phys_base put _text at physical 0x"
                    + Long.toHexString(virt - X86Layout.START_KERNEL_MAP + k.physBase().getAsLong())
                    + " but " + iomem.source() + " has \"Kernel code\" at 0x" + Long.toHexString(phys)
                    + ": not the same boot");
        }
        if (o.kernelSize().isEmpty()) {
            warnings.add("kernel text PT_LOAD left out: _end - _text unknown (give the kernel size)");
            return Optional.empty();
        }
        long size = o.kernelSize().getAsLong();
        if (o.mode() == LoadMode.LOAD) {
            long start = virt & -X86Layout.KERN_VADDR_ALIGN;
            size = (virt + size - start + X86Layout.PAGE_SIZE - 1) & -X86Layout.PAGE_SIZE;
            virt = start;
        }
        return Optional.of(new Load(Load.Kind.KERNEL_TEXT, phys, virt, size, phys, false));
    }

    private static long alignUp(long v, long align) {
        return Math.addExact(v, align - 1) & -align;
    }

    /** Bytes of the elfcorehdr its producer allocates: the headers, zero-padded as that producer pads them. */
    public long elfcorehdrSize() {
        return elfcorehdrSize;
    }

    public LoadMode mode() {
        return mode;
    }

    /** The crashkernel ranges left out of the dump (from iomem, or placed from crashkernel=). */
    public List<Range> crashKernel() {
        return crashKernel;
    }

    /** Where {@link #crashKernel()} came from: the iomem file, or the kernel-style reservation message. */
    public String crashKernelOrigin() {
        return crashKernelOrigin;
    }

    /** PT_NOTEs in elfcorehdr order: one per CPU, then VMCOREINFO. */
    public List<NoteBuffer> notes() {
        return notes;
    }

    /** PT_LOADs in elfcorehdr order. */
    public List<Load> loads() {
        return loads;
    }

    /** Assumptions the plan had to make (placeholders, defaults). */
    public List<String> warnings() {
        return warnings;
    }

    /** Whether {@code [start, end)} is inside one of this plan's pmem loads. */
    public boolean isPmem(long start, long end) {
        return Load.isPmemRange(loads, start, end);
    }
}
