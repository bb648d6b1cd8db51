package dev.pmemdump.vmcore;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.vmcore.elf.ElfCore;
import dev.pmemdump.vmcore.elf.Note;
import dev.pmemdump.vmcore.elf.NoteSegment;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The VMCOREINFO ELF note: name {@code VMCOREINFO}, type 0, descriptor the exact text without a NUL
 * (docs/dump-formats.md §1.3).
 */
public final class VmcoreInfoNote {
    private VmcoreInfoNote() {}

    public static final String NAME = "VMCOREINFO";
    public static final int TYPE = 0;

    public static Note toNote(VmcoreInfo info) {
        return new Note(NAME, TYPE, info.bytes());
    }

    public static boolean isVmcoreInfo(Note note) {
        return note.name().equals(NAME) && note.type() == TYPE;
    }

    /**
     * The first VMCOREINFO note among {@code notes}, parsed; one larger than the kernel's buffer can be
     * ({@link VmcoreInfo#MAX_NOTE_BYTES}) is refused before it is turned into text.
     */
    public static Optional<VmcoreInfo> find(List<Note> notes, String source) throws CorruptInputException {
        for (Note n : notes) {
            if (isVmcoreInfo(n)) {
                if (n.descriptorSize() > VmcoreInfo.MAX_NOTE_BYTES) {
                    throw new CorruptInputException(source, -1, "VMCOREINFO note of " + n.descriptorSize()
                            + " bytes; the kernel's buffer is one page, at most " + VmcoreInfo.MAX_NOTE_BYTES);
                }
                return Optional.of(VmcoreInfo.parse(n.descriptor(), source));
            }
        }
        return Optional.empty();
    }

    /** The VMCOREINFO of a core file, or a named error when it has none. */
    public static VmcoreInfo from(ElfCore core) throws CorruptInputException {
        return find(core.notes(), core.resource()).orElseThrow(() -> new CorruptInputException(core.resource(), -1,
                "no VMCOREINFO note (name VMCOREINFO, type 0) in the PT_NOTE segments"));
    }

    /**
     * The kernel's {@code vmcoreinfo_note} buffer as the elfcorehdr's VMCOREINFO PT_NOTE points at it:
     * the note, the zero terminator, zeros up to {@link #kernelBufferSize}.
     */
    public static byte[] kernelBuffer(VmcoreInfo info, ByteOrder order, int pageSize) {
        byte[] note = NoteSegment.encodeWithTerminator(List.of(toNote(info)), order);
        int size = kernelBufferSize(pageSize);
        if (note.length > size) {
            throw new IllegalArgumentException("VMCOREINFO note of " + note.length + " bytes exceeds the " + size
                    + "-byte kernel buffer");
        }
        return Arrays.copyOf(note, size);
    }

    /** {@code VMCOREINFO_NOTE_SIZE}: two note headers, the padded name and one page of text. */
    public static int kernelBufferSize(int pageSize) {
        return 12 * 2 + 12 + pageSize;
    }
}
