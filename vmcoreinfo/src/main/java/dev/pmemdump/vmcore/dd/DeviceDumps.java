package dev.pmemdump.vmcore.dd;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.Ranges;
import dev.pmemdump.io.AtomicOutput;
import dev.pmemdump.io.OutputRules;
import dev.pmemdump.vmcore.elf.ElfCore;
import dev.pmemdump.vmcore.elf.ElfCoreWriter;
import dev.pmemdump.vmcore.elf.ElfPhysicalMemory;
import dev.pmemdump.vmcore.elf.Note;
import dev.pmemdump.vmcore.elf.NoteSegment;
import dev.pmemdump.vmcore.elf.ProgramHeader;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Device dumps (vmcoredd, docs/dump-formats.md §2): one {@code LINUX}/{@code NT_VMCOREDD} note per dump,
 * whose descriptor is {@code dump_name[44]} then the driver's data, zero-padded so the whole note
 * (with its 20 header bytes) fills whole pages; placed before the other notes.
 */
public final class DeviceDumps {
    private DeviceDumps() {}

    public static final int NT_VMCOREDD = 0x700;
    public static final String NOTE_NAME = "LINUX";
    /** {@code sizeof(vmcoredd_header.name)}: the kernel sets n_namesz to the padded field size. */
    static final int NAME_FIELD_BYTES = 8;
    public static final int MAX_NAME_BYTES = 44;
    /** {@code sizeof(struct vmcoredd_header)}: n_namesz, n_descsz, n_type, name[8], dump_name[44]. */
    public static final int HEADER_SIZE = 64;
    /** Bytes from the note start to the descriptor: the 12-byte note header and name[8]. */
    static final int NOTE_HEAD_BYTES = 20;

    /** A device dump as listed: its index, the file offset and size of its data, and its name. */
    public record Listed(int index, long dataOffset, long size, String name) {}

    public static boolean isDeviceDump(Note note) {
        return note.type() == NT_VMCOREDD;
    }

    /** The note {@code vmcore_add_device_dump()} builds for {@code data} named {@code dumpName}. */
    public static Note toNote(String dumpName, byte[] data, int pageSize) {
        byte[] nameBytes = dumpName.getBytes(StandardCharsets.US_ASCII);
        if (nameBytes.length >= MAX_NAME_BYTES || dumpName.isEmpty()) {
            throw new IllegalArgumentException("device dump name must be 1.." + (MAX_NAME_BYTES - 1) + " bytes: "
                    + dumpName);
        }
        long dataSize = Ranges.alignUp(HEADER_SIZE + (long) data.length, pageSize);
        if (dataSize > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("device dump too large: " + data.length + " bytes");
        }
        byte[] desc = new byte[(int) dataSize - NOTE_HEAD_BYTES];
        System.arraycopy(nameBytes, 0, desc, 0, nameBytes.length);
        System.arraycopy(data, 0, desc, MAX_NAME_BYTES, data.length);
        return new Note(NOTE_NAME, NT_VMCOREDD, desc, NAME_FIELD_BYTES);
    }

    /** The dump name of a device-dump note (dump_name up to its first NUL). */
    public static String dumpName(Note note) {
        byte[] d = note.descriptor();
        int n = 0;
        while (n < Math.min(MAX_NAME_BYTES, d.length) && d[n] != 0) {
            n++;
        }
        return new String(d, 0, n, StandardCharsets.US_ASCII);
    }

    /** The data as crash extracts it: {@code n_descsz - 44} bytes, page padding included. */
    public static byte[] data(Note note) {
        byte[] d = note.descriptor();
        return d.length <= MAX_NAME_BYTES ? new byte[0] : Arrays.copyOfRange(d, MAX_NAME_BYTES, d.length);
    }

    /** {@code notes} with {@code dumps} added after any device dumps already there and before the rest. */
    public static List<Note> insert(List<Note> notes, List<Note> dumps) {
        int at = 0;
        while (at < notes.size() && isDeviceDump(notes.get(at))) {
            at++;
        }
        List<Note> out = new ArrayList<>(notes);
        out.addAll(at, dumps);
        return out;
    }

    /** The device dumps of a core file, like crash's {@code dev -V}. */
    public static List<Listed> list(ElfCore core) throws CorruptInputException {
        List<Listed> out = new ArrayList<>();
        List<ProgramHeader> headers = core.noteHeaders();
        List<NoteSegment> segments = core.noteSegments();
        for (int s = 0; s < segments.size(); s++) {
            NoteSegment seg = segments.get(s);
            for (int i = 0; i < seg.notes().size(); i++) {
                Note n = seg.notes().get(i);
                if (isDeviceDump(n)) {
                    long noteOffset = headers.get(s).offset() + seg.offsets().get(i);
                    out.add(new Listed(out.size(), noteOffset + HEADER_SIZE,
                            Math.max(0, n.descriptorSize() - MAX_NAME_BYTES), dumpName(n)));
                }
            }
        }
        return out;
    }

    /** Writes the data of the device dump named (or numbered) {@code which} to {@code out}. */
    public static Listed extract(ElfCore core, String which, Path out, OutputRules rules) throws IOException {
        Listed found = null;
        for (Listed l : list(core)) {
            if (l.name().equals(which) || Integer.toString(l.index()).equals(which)) {
                found = l;
                break;
            }
        }
        if (found == null) {
            throw new IllegalArgumentException(core.resource() + ": no device dump named " + which);
        }
        AtomicOutput.write(out, rules, findData(core, found));
        return found;
    }

    private static MemorySegment findData(ElfCore core, Listed l) throws CorruptInputException {
        for (ProgramHeader ph : core.noteHeaders()) {
            if (l.dataOffset() >= ph.offset() && l.dataOffset() + l.size() <= ph.offset() + ph.filesz()) {
                return core.data(ph).asSlice(l.dataOffset() - ph.offset(), l.size());
            }
        }
        throw new IllegalStateException("listed device dump outside its note segment");
    }

    /**
     * Rewrites the vmcore {@code core} into {@code out} (the caller commits it) with {@code dumps} added before the CPU notes, the
     * way the capture kernel shifts its PT_LOAD offsets when a driver adds a dump.
     */
    public static List<ProgramHeader> addToVmcore(ElfCore core, List<Note> dumps, long pageSize, AtomicOutput out)
            throws IOException {
        List<ProgramHeader> loads = core.loads().stream().map(ph -> ph.withOffset(ph.paddr())).toList();
        return ElfCoreWriter.writeVmcore(out, core.machine(), pageSize, insert(core.notes(), dumps), loads,
                new ElfPhysicalMemory(core));
    }
}
