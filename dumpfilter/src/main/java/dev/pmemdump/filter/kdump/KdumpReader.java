package dev.pmemdump.filter.kdump;

import dev.pmemdump.filter.page.CrashInfo;
import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.filter.page.PageSource;
import dev.pmemdump.io.Bytes;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.MappedImage;
import dev.pmemdump.io.Ranges;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.zip.DataFormatException;

/**
 * A kdump-compressed dump (or one --split part) as a {@link PageSource}: headers and bitmaps are
 * checked when opened, each page_desc when its page is read, so a corrupt descriptor is reported
 * with its file offset.
 */
public final class KdumpReader implements PageSource {
    private final MappedImage image;
    private final String name;
    private final KdumpHeader header;
    private final PageBitmap present;
    private final PageBitmap dumpable;
    /** Number of dumpable pfns before each 64-pfn word, for the page_desc index of a pfn. */
    private final long[] rank;
    private final long rankBase;
    private final long numDescs;

    private KdumpReader(MappedImage image, KdumpHeader header, PageBitmap present, PageBitmap dumpable) {
        this.image = image;
        this.name = image.path().toString();
        this.header = header;
        this.present = present;
        this.dumpable = dumpable;
        long words = (dumpable.size() + 63) / 64;
        this.rank = new long[(int) words + 1];
        for (int w = 0; w < words; w++) {
            rank[w + 1] = rank[w] + dumpable.cardinality((long) w << 6, Math.min((long) (w + 1) << 6, dumpable.size()));
        }
        this.rankBase = header.split() != 0 ? rankOf(header.startPfn()) : 0;
        long end = header.split() != 0 ? Math.min(header.endPfn(), dumpable.size()) : dumpable.size();
        this.numDescs = rankOf(end) - rankBase;
    }

    /** Opens and checks a kdump-compressed file. */
    public static KdumpReader open(Path path) throws IOException {
        MappedImage image = MappedImage.open(path, MappedImage.Access.READ_ONLY);
        try {
            String file = path.toString();
            MemorySegment h0 = image.slice(0, KdumpHeader.DISK_DUMP_HEADER_SIZE, "disk_dump_header");
            int blockSize = h0.get(Bytes.LE_U32, 428);
            if (!KdumpHeader.isKdump(h0.asByteBuffer())) {
                throw new CorruptInputException(file, 0, "not a kdump-compressed dump (no \"KDUMP   \" signature)");
            }
            if (blockSize < 512 || blockSize > 65536) {
                throw new CorruptInputException(file, 428, "impossible block_size " + blockSize);
            }
            MemorySegment sub = image.slice(blockSize, KdumpHeader.SUB_HEADER_SIZE, "kdump_sub_header");
            KdumpHeader h = KdumpHeader.parse(file, h0.asByteBuffer(), sub.asByteBuffer(), image.size());
            long len = h.bitmapLength();
            PageBitmap b1 = PageBitmap.fromBytes(image.slice(h.bitmap1Offset(), len, "1st bitmap").asByteBuffer(),
                    h.maxMapnr());
            PageBitmap b2 = PageBitmap.fromBytes(image.slice(h.bitmap1Offset() + len, len, "2nd bitmap")
                    .asByteBuffer(), h.maxMapnr());
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
        if (!dumpable.get(pfn) || (header.split() != 0 && (pfn < header.startPfn() || pfn >= header.endPfn()))) {
            throw new IllegalArgumentException(name + ": pfn 0x" + Long.toHexString(pfn) + " is not in the dump");
        }
        long index = rankOf(pfn) - rankBase;
        long at = header.pageDescOffset() + index * KdumpWriter.PAGE_DESC_SIZE;
        MemorySegment s = image.segment();
        long offset = s.get(Bytes.LE_U64, at);
        long size = Bytes.u32(s.get(Bytes.LE_U32, at + 8));
        int flags = s.get(Bytes.LE_U32, at + 12);
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
        PageDesc d = desc(pfn);
        int bs = header.blockSize();
        PageCodec codec = PageCodec.ofFlags(d.flags());
        byte[] src = new byte[d.size()];
        MemorySegment.copy(image.segment(), Bytes.U8, d.offset(), src, 0, d.size());
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
        byte[] notes = new byte[(int) header.sizeNote()];
        if (notes.length > 0) {
            MemorySegment.copy(image.segment(), Bytes.U8, header.offsetNote(), notes, 0, notes.length);
        }
        long viOff = header.sizeVmcoreinfo() == 0 ? -1 : header.offsetVmcoreinfo() - header.offsetNote();
        if (viOff >= 0 && viOff + header.sizeVmcoreinfo() > notes.length) {
            viOff = -1; // VMCOREINFO stored apart from the notes (header_version 3): not carried over
        }
        return new CrashInfo(notes, viOff, header.sizeVmcoreinfo(), header.utsname(), header.timestamp(),
                header.physBase(), header.nrCpus());
    }

    /** The VMCOREINFO text, or empty. */
    public String vmcoreinfo() {
        if (header.sizeVmcoreinfo() == 0) {
            return "";
        }
        byte[] b = new byte[(int) header.sizeVmcoreinfo()];
        MemorySegment.copy(image.segment(), Bytes.U8, header.offsetVmcoreinfo(), b, 0, b.length);
        return new String(b, java.nio.charset.StandardCharsets.US_ASCII);
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
        int w = (int) (pfn >>> 6);
        long base = rank[w];
        long inWord = pfn & 63;
        return inWord == 0 ? base : base + dumpable.cardinality((long) w << 6, pfn);
    }
}
