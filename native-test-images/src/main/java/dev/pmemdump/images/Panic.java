package dev.pmemdump.images;

import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.VmcoreInfoNote;
import dev.pmemdump.vmcore.elf.Note;
import dev.pmemdump.vmcore.elf.NoteSegment;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the first kernel writes into its own memory when it panics: each CPU's "CORE"/NT_PRSTATUS
 * note in its crash_notes buffer (crash_save_cpu), and VMCOREINFO (with CRASHTIME) in
 * vmcoreinfo_data and the vmcoreinfo_note buffer that the elfcorehdr points at.
 */
final class Panic {
    /** sizeof(struct elf_prstatus) on x86_64 and the offsets crash_save_cpu fills. */
    static final int PRSTATUS_SIZE = 336;
    static final int PR_PID = 32;
    static final int PR_REG = 112;
    static final int REG_RBP = 32, REG_RIP = 128, REG_CS = 136, REG_EFLAGS = 144, REG_RSP = 152, REG_SS = 160;
    /** sizeof(note_buf_t): CORE note of a prstatus plus the final empty note header. */
    static final int NOTE_BUF_BYTES = 368;

    private Panic() {}

    static void saveCpuNotes(FirstKernel k) {
        long[] buffers = k.crashNotes();
        for (int cpu = 0; cpu < buffers.length; cpu++) {
            MemorySegment pr = MemorySegment.ofArray(new byte[PRSTATUS_SIZE]);
            ValueLayout.OfLong u64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            // The panicking CPU runs the task that crashed; the others were stopped in the idle loop.
            pr.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), PR_PID, cpu == 0 ? 4242 : 0);
            long stack = Linux61.directMap(buffers[cpu]) - 0x1000;
            pr.set(u64, PR_REG + REG_RIP, KernelImage.va(0x1234560L + cpu * 0x40L));
            pr.set(u64, PR_REG + REG_CS, 0x10);
            pr.set(u64, PR_REG + REG_EFLAGS, 0x246);
            pr.set(u64, PR_REG + REG_RSP, stack);
            pr.set(u64, PR_REG + REG_RBP, stack + 0x40);
            pr.set(u64, PR_REG + REG_SS, 0x18);
            byte[] note = NoteSegment.encodeWithTerminator(
                    List.of(new Note("CORE", Note.NT_PRSTATUS, pr.toArray(ValueLayout.JAVA_BYTE))), ByteOrder.LITTLE_ENDIAN);
            if (note.length != NOTE_BUF_BYTES) {
                throw new IllegalStateException("note_buf_t is " + NOTE_BUF_BYTES + " bytes, encoded " + note.length);
            }
            k.ram().putBytes(buffers[cpu], note);
        }
    }

    static void saveVmcoreInfo(FirstKernel k, VmcoreInfo info) {
        k.ram().putBytes(k.vmcoreinfoData(), info.text().getBytes(StandardCharsets.US_ASCII));
        k.ram().putBytes(k.vmcoreinfoNote(), VmcoreInfoNote.kernelBuffer(info, ByteOrder.LITTLE_ENDIAN,
                (int) Linux61.PAGE_SIZE));
    }
}
