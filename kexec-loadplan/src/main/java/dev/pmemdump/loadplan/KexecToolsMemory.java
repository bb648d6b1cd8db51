package dev.pmemdump.loadplan;

import dev.pmemdump.io.Range;
import dev.pmemdump.vmcore.iomem.Iomem;
import dev.pmemdump.vmcore.iomem.Resource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * kexec-tools' x86_64 view of the first kernel's memory for {@code kexec -p} (kexec_load with a
 * bzImage): the facts the elfcorehdr it builds depends on, beyond the list of RAM ranges.
 *
 * <ul>
 * <li>The "crash memory ranges": every {@code /proc/iomem} line at any depth that is RAM (name
 *     contains "System RAM"), "ACPI Tables", "ACPI Non-volatile Storage", "Persistent Memory
 *     (legacy)", "Persistent Memory", "reserved" or "Reserved", in file order, with each "Crash
 *     kernel" range and then "GART" cut out. Only the RAM ones become PT_LOADs, but the header buffer
 *     is sized for all of them.</li>
 * <li>The backup source: the first RAM range of that list ending at or below 0xa0000 (the whole
 *     range, not cut at 640 KiB). Its PT_LOAD reads from the backup copy.</li>
 * <li>The backup copy is the first buffer placed, top-down in the last "Crash kernel" range: size
 *     rounded up to 1 KiB and then to a page, start rounded down to a page.</li>
 * <li>The header buffer: ELF header plus one program header per configured CPU, one for VMCOREINFO,
 *     one for the kernel text and one per crash memory range, zero-padded to 1 KiB.</li>
 * </ul>
 */
public final class KexecToolsMemory {
    /** kexec-tools' backup area ends at or below this address (its "first 640 KiB" test). */
    static final long BACKUP_AREA_LIMIT = 0xa0000L;
    /** The backup copy's size is rounded up to this before add_buffer rounds it to a page. */
    static final long BACKUP_ALIGN = 1024;
    /** kexec-tools pads the elfcorehdr buffer to this (ELF_CORE_HEADER_ALIGN). */
    static final long HEADER_ALIGN = 1024;
    private static final long ELF64_EHDR = 64;
    private static final long ELF64_PHDR = 56;

    /** The iomem range types kexec-tools keeps (the rest of the lines it skips). */
    enum Type { RAM, ACPI, ACPI_NVS, PMEM_LEGACY, PMEM, RESERVED }

    /**
     * One crash memory range, end inclusive like kexec-tools keeps it. A cut can leave
     * {@code start > end} when a hole covers a whole range; such a range still takes a header slot.
     */
    record Span(Type type, long start, long end) {
        boolean isEmpty() {
            return start > end;
        }
    }

    private final List<Span> spans;

    private KexecToolsMemory(List<Span> spans) {
        this.spans = List.copyOf(spans);
    }

    /** The crash memory ranges of {@code iomem} with {@code crashKernel} and every "GART" cut out. */
    public static KexecToolsMemory of(Iomem iomem, List<Range> crashKernel) {
        List<Span> list = new ArrayList<>();
        for (Resource r : iomem.all()) {
            type(r.name()).ifPresent(t -> list.add(new Span(t, r.start(), r.range().inclusiveEnd())));
        }
        for (Range hole : crashKernel) {
            cut(list, hole);
        }
        for (Resource gart : iomem.named(Resource.GART)) {
            cut(list, gart.range());
        }
        return new KexecToolsMemory(list);
    }

    private static Optional<Type> type(String name) {
        if (name.contains(Resource.SYSTEM_RAM)) {
            return Optional.of(Type.RAM);
        }
        return Optional.ofNullable(switch (name) {
            case "ACPI Tables" -> Type.ACPI;
            case "ACPI Non-volatile Storage" -> Type.ACPI_NVS;
            case Resource.PERSISTENT_MEMORY_LEGACY -> Type.PMEM_LEGACY;
            case Resource.PERSISTENT_MEMORY -> Type.PMEM;
            case "reserved", "Reserved" -> Type.RESERVED;
            default -> null;
        });
    }

    /**
     * kexec-tools' cut: a range the hole overlaps (strictly: sharing only its last byte does not
     * count) is trimmed, or split when the hole lies inside it; the upper part of a split is RAM
     * whatever the range was, and goes right after it.
     */
    private static void cut(List<Span> list, Range hole) {
        long hs = hole.start();
        long he = hole.inclusiveEnd();
        int insertAt = -1;
        Span upper = null;
        for (int i = 0; i < list.size(); i++) {
            Span s = list.get(i);
            if (!(hs < s.end() && he > s.start())) {
                continue;
            }
            if (hs != s.start() && he != s.end()) {
                list.set(i, new Span(s.type(), s.start(), hs - 1));
                upper = new Span(Type.RAM, he + 1, s.end());
                insertAt = i + 1;
            } else if (hs != s.start()) {
                list.set(i, new Span(s.type(), s.start(), hs - 1));
            } else {
                list.set(i, new Span(s.type(), he + 1, s.end()));
            }
        }
        if (upper != null) {
            list.add(insertAt, upper);
        }
    }

    /** The RAM ranges that become PT_LOADs, in kexec-tools' order. */
    public List<Range> ram() {
        return spans.stream().filter(s -> s.type() == Type.RAM && !s.isEmpty() && !(s.start() == 0 && s.end() == 0))
                .map(s -> Range.ofInclusive(s.start(), s.end())).toList();
    }

    /** How many crash memory ranges the header buffer is sized for. */
    public int rangeCount() {
        return spans.size();
    }

    /** The RAM range read from the backup copy: the first one ending at or below 0xa0000, if any. */
    public Optional<Range> backupSource() {
        return spans.stream().filter(s -> s.type() == Type.RAM && !s.isEmpty() && s.end() <= BACKUP_AREA_LIMIT)
                .findFirst().map(s -> Range.ofInclusive(s.start(), s.end()));
    }

    /**
     * Where kexec-tools puts the backup copy of {@code source}: the highest page-aligned place in
     * the last crash kernel range that holds its page-rounded size.
     */
    public static long backupStart(List<Range> crashKernel, Range source) {
        long size = alignUp(alignUp(source.length(), BACKUP_ALIGN), X86Layout.PAGE_SIZE);
        Range crash = crashKernel.getLast();
        long start = alignUp(crash.start(), X86Layout.PAGE_SIZE);
        long last = crash.inclusiveEnd();
        if (start >= last || last - start < size - 1) {
            throw new IllegalArgumentException("crash kernel range " + crash + " cannot hold kexec-tools' 0x"
                    + Long.toHexString(size) + "-byte backup copy of " + source);
        }
        return (last - size + 1) & -X86Layout.PAGE_SIZE;
    }

    /** The elfcorehdr buffer size for {@code cpus} CPU notes, VMCOREINFO and optionally the kernel text. */
    public long elfcorehdrSize(int cpus, boolean vmcoreinfo, boolean kernelText) {
        long slots = (long) cpus + (vmcoreinfo ? 1 : 0) + (kernelText ? 1 : 0) + spans.size();
        return alignUp(ELF64_EHDR + ELF64_PHDR * slots, HEADER_ALIGN);
    }

    private static long alignUp(long v, long align) {
        return Math.addExact(v, align - 1) & -align;
    }
}
