package dev.pmemdump.loadplan;

import dev.pmemdump.io.TextInput;

import dev.pmemdump.io.CorruptInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * NoteBuffer addresses as the running kernel publishes them in sysfs: {@code devices/system/cpu/cpuN/crash_notes}
 * ({@code "%llx"} physical address) with {@code crash_notes_size} ({@code "%llu"}), and
 * {@code kernel/vmcoreinfo} ({@code "%pa %x"}: address and VMCOREINFO_NOTE_SIZE, both hex).
 */
public final class SysfsNotes {
    private static final Pattern CPU_DIR = Pattern.compile("cpu[0-9]+");

    private SysfsNotes() {}

    /** The VMCOREINFO note from the text of {@code /sys/kernel/vmcoreinfo}. */
    public static NoteBuffer vmcoreinfo(String source, String text) throws CorruptInputException {
        String[] f = text.trim().split("\\s+");
        if (f.length != 2) {
            throw new CorruptInputException(source, -1, "expected 'address size' (both hex), got '" + text.trim() + "'");
        }
        return new NoteBuffer("VMCOREINFO", hex(source, f[0]), hex(source, f[1]));
    }

    /**
     * Per-CPU notes from a sysfs root (e.g. {@code /sys}), in CPU number order;
     * {@code defaultSize} applies when {@code crash_notes_size} is absent (older kernels).
     */
    public static List<NoteBuffer> cpus(Path sysfs, long defaultSize) throws IOException {
        Path cpuRoot = sysfs.resolve("devices/system/cpu");
        List<Path> dirs;
        try (var s = Files.list(cpuRoot)) {
            dirs = new ArrayList<>(s.filter(p -> CPU_DIR.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.exists(p.resolve("crash_notes"))).toList());
        }
        dirs.sort((a, b) -> Integer.compare(cpuNumber(a), cpuNumber(b)));
        List<NoteBuffer> out = new ArrayList<>();
        for (Path d : dirs) {
            Path addr = d.resolve("crash_notes");
            Path size = d.resolve("crash_notes_size");
            long length = defaultSize;
            if (Files.exists(size)) {
                try {
                    length = Long.parseLong(attribute(size));
                } catch (NumberFormatException e) {
                    throw new CorruptInputException(size.toString(), -1, "not a decimal size");
                }
            }
            out.add(new NoteBuffer("CPU " + cpuNumber(d), hex(addr.toString(), attribute(addr)), length));
        }
        if (out.isEmpty()) {
            throw new CorruptInputException(cpuRoot.toString(), -1, "no cpuN/crash_notes files (kernel without kexec?)");
        }
        return out;
    }

    /**
     * The configured CPUs, {@code cpuN} directories with or without notes: what
     * {@code sysconf(_SC_NPROCESSORS_CONF)} counts and kexec-tools sizes its elfcorehdr for.
     */
    public static int configuredCpus(Path sysfs) throws IOException {
        try (var s = Files.list(sysfs.resolve("devices/system/cpu"))) {
            return (int) s.filter(p -> CPU_DIR.matcher(p.getFileName().toString()).matches()).count();
        }
    }

    /** A sysfs attribute's text: at most one page, as sysfs returns it. */
    public static String attribute(Path file) throws IOException {
        return TextInput.read(file, 4096, "a sysfs attribute").trim();
    }

    private static int cpuNumber(Path dir) {
        return Integer.parseInt(dir.getFileName().toString().substring(3));
    }

    private static long hex(String source, String text) throws CorruptInputException {
        String t = text.startsWith("0x") ? text.substring(2) : text;
        try {
            return Long.parseUnsignedLong(t, 16);
        } catch (NumberFormatException e) {
            throw new CorruptInputException(source, -1, "not a hex number: '" + text + "'");
        }
    }
}
