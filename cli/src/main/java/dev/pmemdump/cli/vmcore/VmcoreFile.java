package dev.pmemdump.cli.vmcore;

import dev.pmemdump.filter.DumpInput;
import dev.pmemdump.filter.kdump.KdumpHeader;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.PositionalImage;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.elf.ElfCore;
import dev.pmemdump.vmcore.elf.Note;
import dev.pmemdump.vmcore.elf.NoteSegment;
import dev.pmemdump.vmcore.xlat.KernelMemory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A dump opened for the vmcoreinfo and notes verbs: an ELF vmcore ({@link ElfVmcoreFile}) or a
 * kdump-compressed dump, --split parts included ({@link KdumpVmcoreFile}). A flattened stream (-F) is
 * refused: like makedumpfile, only its rebuilt file (-R) can be read.
 */
abstract sealed class VmcoreFile implements AutoCloseable permits ElfVmcoreFile, KdumpVmcoreFile {
    /** Bytes that decide the format: the longest signature (flattened, 16). */
    private static final int HEAD_BYTES = 16;

    /** A note with where it sits in the file. */
    record Located(int index, long offset, Note note) {}

    static VmcoreFile open(Path path) throws IOException {
        byte[] head = new byte[HEAD_BYTES];
        try (PositionalImage image = PositionalImage.open(path)) {
            MemorySegment.copy(image.bytes(0, Math.min(image.size(), HEAD_BYTES), "file signature"), 0,
                    MemorySegment.ofArray(head), 0, Math.min(image.size(), HEAD_BYTES));
        }
        if (ElfCore.isElf(MemorySegment.ofArray(head))) {
            return ElfVmcoreFile.open(path);
        }
        if (KdumpHeader.isKdump(ByteBuffer.wrap(head))) {
            return KdumpVmcoreFile.open(path);
        }
        if (DumpInput.isFlattened(head)) {
            throw new CorruptInputException(path.toString(), 0, "is a flattened dump (makedumpfile -F): rebuild it "
                    + "first with makedumpfile -R DUMPFILE < " + path);
        }
        throw new CorruptInputException(path.toString(), 0, "neither an ELF vmcore nor a kdump-compressed dump");
    }

    /** The file, as errors name it. */
    abstract String name();

    /** Every note in file order, with its offset in this file. */
    abstract List<Located> notes() throws IOException;

    /** The VMCOREINFO the dump carries; a named error when it has none. */
    abstract VmcoreInfo vmcoreInfo() throws IOException;

    /** Kernel virtual memory, x86_64 only for now. */
    abstract KernelMemory kernelMemory(VmcoreInfo info) throws CorruptInputException;

    /**
     * The ELF view, for what only an ELF vmcore has (device dumps by name, a copy with one added);
     * {@code what} names the refused work for a kdump-compressed dump.
     */
    abstract ElfCore elf(String what) throws CorruptInputException;

    @Override
    public abstract void close();

    /** Numbers the notes of {@code segments} (each starting at its file offset) in file order. */
    static List<Located> locate(List<NoteSegment> segments, List<Long> segmentOffsets) {
        List<Located> out = new ArrayList<>();
        for (int s = 0; s < segments.size(); s++) {
            for (int i = 0; i < segments.get(s).notes().size(); i++) {
                out.add(new Located(out.size(), segmentOffsets.get(s) + segments.get(s).offsets().get(i),
                        segments.get(s).notes().get(i)));
            }
        }
        return out;
    }
}
