package dev.pmemdump.vmcore.elf;

import dev.pmemdump.io.AtomicOutput;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.vmcore.xlat.PhysicalMemory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Does what the capture kernel does at boot (docs/dump-formats.md §1.4): reads the elfcorehdr the first
 * kernel prepared, gathers the notes its PT_NOTEs point at (each cut at its terminator), puts device
 * dumps first, merges everything into one PT_NOTE and writes /proc/vmcore with the PT_LOAD data
 * taken from physical memory.
 */
public final class ElfcorehdrConverter {
    private ElfcorehdrConverter() {}

    /** The notes the elfcorehdr's PT_NOTEs point at, in header order. */
    public static List<Note> gatherNotes(ElfCore elfcorehdr, PhysicalMemory memory) throws CorruptInputException {
        List<Note> notes = new ArrayList<>();
        for (ProgramHeader ph : elfcorehdr.noteHeaders()) {
            if (ph.filesz() > Integer.MAX_VALUE) {
                throw new CorruptInputException(elfcorehdr.resource(), -1, "PT_NOTE at physical 0x"
                        + Long.toHexString(ph.offset()) + " claims an absurd size 0x" + Long.toHexString(ph.filesz()));
            }
            byte[] bytes = memory.read(ph.offset(), (int) ph.filesz());
            notes.addAll(NoteSegment.parse(MemorySegment.ofArray(bytes), elfcorehdr.order(),
                    memory.name() + " (PT_NOTE at physical 0x" + Long.toHexString(ph.offset()) + ")", 0).notes());
        }
        return notes;
    }

    /**
     * Writes the /proc/vmcore for {@code elfcorehdr} into {@code out} (the caller commits it); {@code deviceDumps} (vmcoredd
     * notes, may be empty) go before the other notes. Returns the program headers written.
     */
    public static List<ProgramHeader> convert(ElfCore elfcorehdr, PhysicalMemory memory, List<Note> deviceDumps,
                                              long pageSize, AtomicOutput out) throws IOException {
        if (elfcorehdr.layout() != ElfCore.Layout.ELFCOREHDR) {
            throw new IllegalArgumentException(elfcorehdr.resource() + " was not read as an elfcorehdr");
        }
        List<Note> notes = new ArrayList<>(deviceDumps);
        notes.addAll(gatherNotes(elfcorehdr, memory));
        return ElfCoreWriter.writeVmcore(out, elfcorehdr.machine(), pageSize, notes, elfcorehdr.loads(), memory);
    }
}
