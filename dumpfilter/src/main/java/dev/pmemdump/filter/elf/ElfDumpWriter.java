package dev.pmemdump.filter.elf;

import dev.pmemdump.filter.page.DumpSink;
import dev.pmemdump.io.Progress;
import dev.pmemdump.vmcore.elf.ElfCoreWriter;
import dev.pmemdump.vmcore.elf.ElfMachine;
import dev.pmemdump.vmcore.elf.ProgramHeader;
import dev.pmemdump.vmcore.xlat.PhysicalMemory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an ELF dump (-E) as makedumpfile lays it out: file header, program headers (PT_NOTE first),
 * the input notes verbatim right after them (after section header 0 when extended numbering holds the
 * count), then the data of each output PT_LOAD back to back. A PT_LOAD without data gets {@code p_offset} 0.
 */
public final class ElfDumpWriter {
    private static final int CHUNK = 1 << 20;

    private ElfDumpWriter() {}

    /** The program headers the dump will have, in order. */
    public static List<ProgramHeader> programHeaders(byte[] notes, List<ElfSegments.Segment> segments, long pageSize) {
        List<ProgramHeader> out = new ArrayList<>();
        long offset = ElfCoreWriter.headersSize(segments.size() + 1L); // section header 0 past 65534 of them
        out.add(ProgramHeader.note(offset, notes.length));
        offset += notes.length;
        for (ElfSegments.Segment s : segments) {
            ProgramHeader in = s.load();
            long loadEnd = in.paddr() + in.memsz();
            long start = Math.max(in.paddr(), s.startPfn() * pageSize);
            long memEnd = Math.min(loadEnd, (s.startPfn() + s.memPages()) * pageSize);
            long fileEnd = Math.min(loadEnd, (s.startPfn() + s.filePages()) * pageSize);
            long filesz = Math.max(0, fileEnd - start);
            out.add(new ProgramHeader(ProgramHeader.PT_LOAD, in.flags(), filesz == 0 ? 0 : offset,
                    in.vaddr() + (start - in.paddr()), start, filesz, memEnd - start, in.align()));
            offset += filesz;
        }
        return out;
    }

    /** Writes the whole dump; returns its size. */
    public static long write(ElfMachine machine, byte[] notes, List<ProgramHeader> phdrs, PhysicalMemory memory,
                             DumpSink sink, Progress progress) throws IOException {
        byte[] headers = ElfCoreWriter.encodeHeaders(machine, phdrs);
        sink.write(0, ByteBuffer.wrap(headers));
        sink.write(phdrs.get(0).offset(), ByteBuffer.wrap(notes));
        long total = 0;
        for (ProgramHeader ph : phdrs) {
            total += ph.isLoad() ? ph.filesz() : 0;
        }
        long end = phdrs.get(0).offset() + notes.length;
        byte[] buf = new byte[CHUNK];
        long done = 0;
        for (ProgramHeader ph : phdrs) {
            if (!ph.isLoad() || ph.filesz() == 0) {
                continue;
            }
            for (long at = 0; at < ph.filesz(); ) {
                int n = (int) Math.min(CHUNK, ph.filesz() - at);
                memory.read(ph.paddr() + at, MemorySegment.ofArray(buf).asSlice(0, n));
                sink.write(ph.offset() + at, ByteBuffer.wrap(buf, 0, n));
                at += n;
                done += n;
                progress.update(done, total);
            }
            end = ph.offset() + ph.filesz();
        }
        progress.finish();
        return end;
    }
}
