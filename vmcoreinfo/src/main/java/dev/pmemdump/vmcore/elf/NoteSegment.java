package dev.pmemdump.vmcore.elf;

import dev.pmemdump.io.CorruptInputException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The notes of one PT_NOTE segment. Parsing stops at the first all-zero note header, as the capture
 * kernel's {@code update_note_header_size_elf64()} does, so the {@code final_note()} terminator and
 * the unused rest of a per-CPU note buffer are not notes.
 *
 * @param notes   the notes in segment order
 * @param offsets the offset of each note's header from the start of the segment
 * @param usedSize bytes up to the end of the last note (the kernel's "real" p_memsz)
 */
public record NoteSegment(List<Note> notes, List<Long> offsets, long usedSize) {

    public NoteSegment {
        notes = List.copyOf(notes);
        offsets = List.copyOf(offsets);
    }

    /**
     * Parses {@code segment}, which starts at {@code baseOffset} of {@code resource} (used only to name
     * the offset of bad bytes).
     */
    public static NoteSegment parse(MemorySegment segment, ByteOrder order, String resource, long baseOffset)
            throws CorruptInputException {
        ValueLayout.OfInt u32 = Elf64.u32(order);
        List<Note> notes = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        long size = segment.byteSize();
        long pos = 0;
        while (pos < size) {
            long at = baseOffset + pos;
            if (size - pos < Elf64.NHDR_SIZE) {
                if (isZero(segment, pos, size - pos)) {
                    break;
                }
                throw new CorruptInputException(resource, at,
                        "note header needs 12 bytes but only " + (size - pos) + " remain in the note segment");
            }
            long namesz = Integer.toUnsignedLong(segment.get(u32, pos + Elf64.N_NAMESZ));
            long descsz = Integer.toUnsignedLong(segment.get(u32, pos + Elf64.N_DESCSZ));
            int type = segment.get(u32, pos + Elf64.N_TYPE);
            if (namesz == 0 && descsz == 0 && type == 0) {
                break;
            }
            if (namesz == 0) {
                throw new CorruptInputException(resource, at, "note without a name (n_namesz 0, n_descsz "
                        + descsz + ", n_type 0x" + Integer.toHexString(type) + ")");
            }
            long nameStart = pos + Elf64.NHDR_SIZE;
            long descStart = nameStart + Note.pad4(namesz);
            long end = descStart + Note.pad4(descsz);
            if (end > size) {
                throw new CorruptInputException(resource, at, "note (n_namesz " + namesz + ", n_descsz " + descsz
                        + ") runs past the end of its segment (0x" + Long.toHexString(size - pos) + " bytes left)");
            }
            byte[] nameBytes = segment.asSlice(nameStart, namesz).toArray(ValueLayout.JAVA_BYTE);
            if (nameBytes[nameBytes.length - 1] != 0) {
                throw new CorruptInputException(resource, baseOffset + nameStart, "note name is not NUL-terminated");
            }
            String name = new String(nameBytes, 0, nameBytes.length - 1, StandardCharsets.US_ASCII);
            if (name.indexOf('\0') >= 0) {
                throw new CorruptInputException(resource, baseOffset + nameStart, "note name contains a NUL");
            }
            byte[] desc = segment.asSlice(descStart, descsz).toArray(ValueLayout.JAVA_BYTE);
            notes.add(new Note(name, type, desc));
            offsets.add(pos);
            pos = end;
        }
        long used = notes.isEmpty() ? 0 : offsets.getLast() + notes.getLast().encodedSize();
        return new NoteSegment(notes, offsets, used);
    }

    private static boolean isZero(MemorySegment s, long from, long len) {
        for (long i = from; i < from + len; i++) {
            if (s.get(ValueLayout.JAVA_BYTE, i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** The notes back to back with 4-byte padding, without a terminator (as /proc/vmcore shows them). */
    public static byte[] encode(List<Note> notes, ByteOrder order) {
        ValueLayout.OfInt u32 = Elf64.u32(order);
        long total = 0;
        for (Note n : notes) {
            total += n.encodedSize();
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("notes too large for one segment: " + total + " bytes");
        }
        MemorySegment out = MemorySegment.ofArray(new byte[(int) total]);
        long pos = 0;
        for (Note n : notes) {
            byte[] name = n.name().getBytes(StandardCharsets.US_ASCII);
            byte[] desc = n.descriptor();
            out.set(u32, pos + Elf64.N_NAMESZ, name.length + 1);
            out.set(u32, pos + Elf64.N_DESCSZ, desc.length);
            out.set(u32, pos + Elf64.N_TYPE, n.type());
            MemorySegment.copy(MemorySegment.ofArray(name), 0, out, pos + Elf64.NHDR_SIZE, name.length);
            long descStart = pos + Elf64.NHDR_SIZE + Note.pad4(name.length + 1);
            MemorySegment.copy(MemorySegment.ofArray(desc), 0, out, descStart, desc.length);
            pos += n.encodedSize();
        }
        return out.toArray(ValueLayout.JAVA_BYTE);
    }

    /** {@link #encode} followed by the 12-byte zero header {@code final_note()} writes. */
    public static byte[] encodeWithTerminator(List<Note> notes, ByteOrder order) {
        byte[] body = encode(notes, order);
        return Arrays.copyOf(body, body.length + Elf64.NHDR_SIZE);
    }
}
