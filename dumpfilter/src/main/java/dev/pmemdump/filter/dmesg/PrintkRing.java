package dev.pmemdump.filter.dmesg;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.xlat.KernelMemory;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The kernel log from the lockless printk ring buffer (Linux 5.10+; {@code SYMBOL(prb)} and the
 * printk_ringbuffer/prb_* offsets in VMCOREINFO), formatted as makedumpfile --dump-dmesg writes it:
 * one line per record, {@code [%5lld.%06ld] } then the text; a newline inside the text continues
 * on a new line indented under the text, unprintable bytes are shown as {@code \xNN}.
 */
public final class PrintkRing {
    /** The two top bits of a descriptor's state_var hold its state (kernel printk_ringbuffer.h). */
    private static final int DESC_FLAGS_SHIFT = 62;
    private static final long DESC_ID_MASK = ~(3L << DESC_FLAGS_SHIFT);
    private static final int DESC_COMMITTED = 1;
    private static final int DESC_FINALIZED = 2;
    /** Upper bound on ring sizes we accept from the dump: 2^28 descriptors or bytes. */
    private static final int MAX_BITS = 28;

    private PrintkRing() {}

    /** The log text of the dump. */
    public static String read(VmcoreInfo vi, KernelMemory kmem) throws CorruptInputException {
        return read(vi, kmem, false);
    }

    /**
     * The log text of the dump; with {@code partial} (--partial-dmesg) only the records since the last
     * {@code dmesg -c}: from clear_seq (its latched value where the kernel latches it), as makedumpfile does.
     */
    public static String read(VmcoreInfo vi, KernelMemory kmem, boolean partial) throws CorruptInputException {
        String src = kmem.physical().name();
        long rb = kmem.readLong(vi.symbol("prb"));
        long descRing = rb + vi.offset("printk_ringbuffer", "desc_ring");
        long textRing = rb + vi.offset("printk_ringbuffer", "text_data_ring");
        long counter = vi.has("OFFSET(atomic_long_t.counter)") ? vi.offset("atomic_long_t", "counter") : 0;
        int countBits = (int) readU32(kmem, descRing + vi.offset("prb_desc_ring", "count_bits"));
        int sizeBits = (int) readU32(kmem, textRing + vi.offset("prb_data_ring", "size_bits"));
        if (countBits < 0 || countBits > MAX_BITS || sizeBits < 0 || sizeBits > MAX_BITS) {
            throw new CorruptInputException(src, -1, "printk ring buffer with 2^" + countBits + " descriptors and 2^"
                    + sizeBits + " data bytes is not believable");
        }
        long count = 1L << countBits;
        long dataSize = 1L << sizeBits;
        long descSize = vi.size("prb_desc");
        long infoSize = vi.size("printk_info");
        byte[] descs = kmem.read(kmem.readLong(descRing + vi.offset("prb_desc_ring", "descs")), (int) (count * descSize));
        byte[] infos = kmem.read(kmem.readLong(descRing + vi.offset("prb_desc_ring", "infos")), (int) (count * infoSize));
        byte[] data = kmem.read(kmem.readLong(textRing + vi.offset("prb_data_ring", "data")), (int) dataSize);
        long tail = kmem.readLong(descRing + vi.offset("prb_desc_ring", "tail_id") + counter);
        long head = kmem.readLong(descRing + vi.offset("prb_desc_ring", "head_id") + counter);
        if (partial && vi.has("SYMBOL(clear_seq)")) {
            long clearSeq = kmem.readLong(vi.symbol("clear_seq"));
            if (vi.has("SIZE(latched_seq)")) {
                clearSeq = kmem.readLong(vi.symbol("clear_seq") + vi.offset("latched_seq", "val")
                        + (clearSeq & 1) * Long.BYTES);
            }
            tail = head - Long.remainderUnsigned(head, count) + Long.remainderUnsigned(clearSeq, count);
        }
        Fields f = new Fields(vi.offset("prb_desc", "state_var") + counter, vi.offset("prb_desc", "text_blk_lpos"),
                vi.offset("prb_data_blk_lpos", "begin"), vi.offset("prb_data_blk_lpos", "next"),
                vi.offset("printk_info", "ts_nsec"), vi.offset("printk_info", "text_len"));
        StringBuilder out = new StringBuilder();
        long id = tail;
        for (long n = 0; n <= count; n++) {
            record(out, id, count, dataSize, descs, descSize, infos, infoSize, data, f);
            if (id == head) {
                break;
            }
            id = (id + 1) & DESC_ID_MASK;
        }
        return out.toString();
    }

    private record Fields(long stateVar, long textBlk, long begin, long next, long tsNsec, long textLen) {}

    private static void record(StringBuilder out, long id, long count, long dataSize, byte[] descs, long descSize,
                               byte[] infos, long infoSize, byte[] data, Fields f) {
        MemorySegment d = MemorySegment.ofArray(descs).asSlice((id % count) * descSize, descSize);
        MemorySegment i = MemorySegment.ofArray(infos).asSlice((id % count) * infoSize, infoSize);
        long sv = d.get(ValueLayout.JAVA_LONG_UNALIGNED, f.stateVar());
        int state = (int) ((sv >>> DESC_FLAGS_SHIFT) & 3);
        if ((state != DESC_COMMITTED && state != DESC_FINALIZED) || (sv & DESC_ID_MASK) != id) {
            return;
        }
        long begin = d.get(ValueLayout.JAVA_LONG_UNALIGNED, f.textBlk() + f.begin());
        long next = d.get(ValueLayout.JAVA_LONG_UNALIGNED, f.textBlk() + f.next());
        if ((begin & 1) != 0) {
            return; // a data-less record
        }
        long b = Long.remainderUnsigned(begin, dataSize);
        long e = Long.remainderUnsigned(next, dataSize);
        if (b > e) {
            b = 0; // the block wrapped: its text starts at the beginning of the data ring
        }
        b += Long.BYTES; // skip the descriptor id stored in front of the text
        long len = Short.toUnsignedLong(i.get(ValueLayout.JAVA_SHORT_UNALIGNED, f.textLen()));
        if (b > e) {
            return;
        }
        len = Math.min(len, e - b);
        long ts = i.get(ValueLayout.JAVA_LONG_UNALIGNED, f.tsNsec());
        String prefix = String.format("[%5d.%06d] ", Long.divideUnsigned(ts, 1_000_000_000L),
                Long.remainderUnsigned(ts, 1_000_000_000L) / 1000);
        out.append(prefix);
        byte[] indent = ("\n" + " ".repeat(prefix.length())).getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (long k = 0; k < len; k++) {
            int c = data[(int) (b + k)] & 0xff;
            if (c == '\n') {
                text.write(indent, 0, indent.length);
            } else if ((c >= 0x20 && c < 0x7f) || c == ' ' || (c >= '\t' && c <= '\r')) {
                text.write(c);
            } else {
                byte[] esc = String.format("\\x%02x", c).getBytes(StandardCharsets.US_ASCII);
                text.write(esc, 0, esc.length);
            }
        }
        out.append(text.toString(StandardCharsets.ISO_8859_1)).append('\n');
    }

    private static long readU32(KernelMemory kmem, long va) throws CorruptInputException {
        return Integer.toUnsignedLong(MemorySegment.ofArray(kmem.read(va, 4)).get(ValueLayout.JAVA_INT_UNALIGNED, 0));
    }
}
