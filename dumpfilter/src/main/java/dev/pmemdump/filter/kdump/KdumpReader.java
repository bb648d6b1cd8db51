package dev.pmemdump.filter.kdump;

import dev.pmemdump.filter.page.CrashInfo;
import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.filter.page.PageSource;
import dev.pmemdump.io.Bytes;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.PositionalImage;
import dev.pmemdump.io.Ranges;
import dev.pmemdump.io.ReadableImage;
import dev.pmemdump.vmcore.elf.NoteSegment;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.DataFormatException;

/**
 * A kdump-compressed dump (or one --split part) as a {@link PageSource}: headers and bitmaps are
 * checked when opened, each page_desc when its page is read, so a corrupt descriptor is reported
 * with its file offset. The file is read with positional reads, never mapped, and its bitmaps are left
 * in it ({@link PageBitmap#onDisk}): memory stays bounded whatever its size, a refilter of a dump of 1
 * TiB of mixed pages holds the rank table (512 KiB) and a few cached lines of bitmap.
 */
public final class KdumpReader implements PageSource {
    /**
     * Pfns per entry of {@link #rank}: a bitmap chunk, 8 bytes per 4096 pfns (512 KiB per TiB); a lookup
     * counts at most 64 words of that chunk, a run of pages read together one lookup.
     */
    private static final int RANK_SHIFT = 12;

    private final PositionalImage image;
    private final String name;
    private final KdumpHeader header;
    private final PageBitmap present;
    private final PageBitmap dumpable;
    /** Number of dumpable pfns before each block of 2^RANK_SHIFT pfns, for the page_desc index of a pfn. */
    private final long[] rank;
    private final long rankBase;
    private final long numDescs;
    private final CrashInfo crashInfo;

    private KdumpReader(PositionalImage image, KdumpHeader header, PageBitmap present, PageBitmap dumpable)
            throws CorruptInputException {
        this.image = image;
        this.name = image.name();
        this.header = header;
        this.present = present;
        this.dumpable = dumpable;
        long blocks = (dumpable.size() >> RANK_SHIFT) + 1;
        this.rank = new long[(int) blocks + 1];
        for (int b = 0; b < blocks; b++) {
            rank[b + 1] = rank[b] + dumpable.cardinality((long) b << RANK_SHIFT, (long) (b + 1) << RANK_SHIFT);
        }
        this.rankBase = header.split() != 0 ? rankOf(header.startPfn()) : 0;
        long end = header.split() != 0 ? Math.min(header.endPfn(), dumpable.size()) : dumpable.size();
        this.numDescs = rankOf(end) - rankBase;
        this.crashInfo = readCrashInfo();
    }

    /** Opens and checks a kdump-compressed file. */
    public static KdumpReader open(Path path) throws IOException {
        PositionalImage image = PositionalImage.open(path);
        try {
            String file = path.toString();
            MemorySegment h0 = image.bytes(0, KdumpHeader.DISK_DUMP_HEADER_SIZE, "disk_dump_header");
            int blockSize = h0.get(Bytes.LE_U32, 428);
            if (!KdumpHeader.isKdump(h0.asByteBuffer())) {
                throw new CorruptInputException(file, 0, "not a kdump-compressed dump (no \"KDUMP   \" signature)");
            }
            if (blockSize < 512 || blockSize > 65536) {
                throw new CorruptInputException(file, 428, "impossible block_size " + blockSize);
            }
            MemorySegment sub = image.bytes(blockSize, KdumpHeader.SUB_HEADER_SIZE, "kdump_sub_header");
            KdumpHeader h = KdumpHeader.parse(file, h0.asByteBuffer(), sub.asByteBuffer(), image.size());
            long len = h.bitmapLength();
            ReadableImage.checkRange(file, h.bitmap1Offset(), 2 * len, image.size(), "1st and 2nd bitmap");
            PageBitmap b1 = PageBitmap.onDisk(image, h.bitmap1Offset(), h.maxMapnr(), "1st bitmap");
            PageBitmap b2 = PageBitmap.onDisk(image, h.bitmap1Offset() + len, h.maxMapnr(), "2nd bitmap");
            KdumpReader r = new KdumpReader(image, h, b1, b2);
            Ranges.checkFits(file, h.pageDescOffset(), Ranges.multiply(file, h.pageDescOffset(), r.numDescs,
                    KdumpWriter.PAGE_DESC_SIZE, "page_desc table"), image.size(), "page_desc table of "
                    + r.numDescs + " entries");
            return r;
        } catch (IOException | RuntimeException e) {
            image.close();
            throw e;
        }
    }

    public KdumpHeader header() {
        return header;
    }

    @Override
    public int pageSize() {
        return header.blockSize();
    }

    @Override
    public long maxMapnr() {
        return header.maxMapnr();
    }

    @Override
    public PageBitmap present() {
        return present.copy();
    }

    /** The dumped pfns (2nd bitmap), limited to this part's range for a split file. */
    @Override
    public PageBitmap readable() {
        PageBitmap r = dumpable.copy();
        if (header.split() != 0) {
            r.clearRange(0, header.startPfn());
            r.clearRange(header.endPfn(), r.size());
        }
        return r;
    }

    /** The page_desc of {@code pfn}: offset, size and flags, checked against the file. */
    public PageDesc desc(long pfn) throws CorruptInputException {
        checkInDump(pfn);
        return descAt(pfn, rankOf(pfn) - rankBase);
    }

    private void checkInDump(long pfn) {
        if (!dumpable.get(pfn) || (header.split() != 0 && (pfn < header.startPfn() || pfn >= header.endPfn()))) {
            throw new IllegalArgumentException(name + ": pfn 0x" + Long.toHexString(pfn) + " is not in the dump");
        }
    }

    /** The page_desc of {@code pfn}, entry {@code index} of the table. */
    private PageDesc descAt(long pfn, long index) throws CorruptInputException {
        long at = header.pageDescOffset() + index * KdumpWriter.PAGE_DESC_SIZE;
        MemorySegment s = readAt(at, KdumpWriter.PAGE_DESC_SIZE, "page_desc");
        long offset = s.get(Bytes.LE_U64, 0);
        long size = Bytes.u32(s.get(Bytes.LE_U32, 8));
        int flags = s.get(Bytes.LE_U32, 12);
        if (size == 0 || size > header.blockSize() || !Ranges.fits(offset, size, image.size())
                || offset < header.pageDescOffset()) {
            throw new CorruptInputException(name, at, "page_desc of pfn 0x" + Long.toHexString(pfn) + " points at 0x"
                    + Long.toHexString(offset) + " (0x" + Long.toHexString(size) + " bytes) outside the page data");
        }
        if ((flags & PageCodec.ALL_FLAGS) != 0 && PageCodec.ofFlags(flags) == null) {
            throw new CorruptInputException(name, at + 12, "page_desc flags 0x" + Integer.toHexString(flags)
                    + " name several compressions");
        }
        return new PageDesc(at, offset, (int) size, flags);
    }

    /** One page_desc entry and where it lies in the file. */
    public record PageDesc(long descOffset, long offset, int size, int flags) {}

    @Override
    public void read(long pfn, byte[] dst) throws IOException {
        read(pfn, desc(pfn), dst);
    }

    /** A run of dumped pages has consecutive page_desc entries: the table is located once for all. */
    @Override
    public void read(long pfn, int count, byte[] dst, int offset) throws IOException {
        if (count <= 0) {
            return;
        }
        int bs = header.blockSize();
        checkInDump(pfn);
        long first = rankOf(pfn) - rankBase;
        byte[] page = new byte[bs];
        for (int i = 0; i < count; i++) {
            checkInDump(pfn + i);
            read(pfn + i, descAt(pfn + i, first + i), page);
            System.arraycopy(page, 0, dst, offset + i * bs, bs);
        }
    }

    private void read(long pfn, PageDesc d, byte[] dst) throws IOException {
        int bs = header.blockSize();
        PageCodec codec = PageCodec.ofFlags(d.flags());
        byte[] src = new byte[d.size()];
        image.read(d.offset(), MemorySegment.ofArray(src), "page data");
        if (codec == PageCodec.NONE) {
            if (d.size() != bs) {
                throw new CorruptInputException(name, d.descOffset(), "raw page of pfn 0x" + Long.toHexString(pfn)
                        + " has size " + d.size() + ", not a page");
            }
            System.arraycopy(src, 0, dst, 0, bs);
            return;
        }
        try {
            int n = codec.decompress(src, d.size(), dst);
            if (n != bs) {
                throw new DataFormatException("decompresses to " + n + " bytes, not a page");
            }
        } catch (DataFormatException e) {
            throw new CorruptInputException(name, d.offset(), codec.label() + " page of pfn 0x"
                    + Long.toHexString(pfn) + ": " + e.getMessage());
        }
    }

    @Override
    public CrashInfo crashInfo() {
        return crashInfo;
    }

    /** Read when opened: the notes are small, and a read error belongs to opening the file. */
    private CrashInfo readCrashInfo() throws CorruptInputException {
        byte[] notes = readAt(header.offsetNote(), header.sizeNote(), "notes").toArray(Bytes.U8);
        long viOff = header.sizeVmcoreinfo() == 0 ? -1 : header.offsetVmcoreinfo() - header.offsetNote();
        if (viOff >= 0 && viOff + header.sizeVmcoreinfo() > notes.length) {
            viOff = -1; // VMCOREINFO stored apart from the notes (header_version 3): not carried over
        }
        return new CrashInfo(notes, viOff, header.sizeVmcoreinfo(), header.utsname(), header.timestamp(),
                header.physBase(), header.nrCpus());
    }

    /**
     * The notes of the PT_NOTE copy (CPU notes, VMCOREINFO, device dumps), each with its offset in this
     * file; none when the dump kept no notes (header_version below 4).
     */
    public NoteSegment notes() throws CorruptInputException {
        MemorySegment notes = MemorySegment.ofArray(crashInfo.notes());
        return NoteSegment.parse(notes, ByteOrder.LITTLE_ENDIAN, name, header.offsetNote());
    }

    /** The VMCOREINFO text, or empty. */
    public String vmcoreinfo() throws IOException {
        return new String(vmcoreinfoDescriptor(), java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** The stored VMCOREINFO bytes as the note held them (VmcoreInfo.parse(byte[]) stops at a NUL), or none. */
    public byte[] vmcoreinfoDescriptor() throws CorruptInputException {
        if (header.sizeVmcoreinfo() == 0) {
            return new byte[0];
        }
        return readAt(header.offsetVmcoreinfo(), header.sizeVmcoreinfo(), "vmcoreinfo").toArray(Bytes.U8);
    }

    /** A copy of {@code length} bytes at {@code offset}; a read error names this file and the offset. */
    private MemorySegment readAt(long offset, long length, String what) throws CorruptInputException {
        try {
            return image.bytes(offset, length, what);
        } catch (CorruptInputException e) {
            throw e;
        } catch (IOException e) {
            throw new CorruptInputException(name, offset, what + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        image.close();
    }

    private long rankOf(long pfn) {
        long block = pfn >>> RANK_SHIFT;
        return rank[(int) block] + dumpable.cardinality(block << RANK_SHIFT, pfn);
    }
}
