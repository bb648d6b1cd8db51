package dev.pmemdump.filter.kdump;

import dev.pmemdump.io.CorruptInputException;

import dev.pmemdump.io.Writes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code struct disk_dump_header} (block 0) and {@code struct kdump_sub_header} (block 1) of a
 * kdump-compressed dump, header_version 6, x86_64 sizes (docs/dump-formats.md §3.1).
 *
 * @param utsname        the crashed kernel's {@code struct new_utsname}, 390 bytes
 * @param timestamp      seconds (tv_sec; tv_usec is written as 0)
 * @param status         file compression flag, plus DUMP_DH_* flags
 * @param blockSize      page size
 * @param subHdrSize     blocks of sub header + notes
 * @param bitmapBlocks   blocks of both bitmaps
 * @param nrCpus         number of CPU (NT_PRSTATUS) notes
 * @param physBase       kdump_sub_header.phys_base
 * @param dumpLevel      the -d value
 * @param split          1 for a --split part
 * @param offsetVmcoreinfo file offset of the VMCOREINFO note's descriptor, or 0
 * @param sizeVmcoreinfo descriptor size of the VMCOREINFO note
 * @param offsetNote     file offset of the copied PT_NOTE
 * @param sizeNote       size of the copied PT_NOTE
 * @param offsetEraseinfo file offset of eraseinfo text, or 0
 * @param sizeEraseinfo  size of the eraseinfo text
 * @param startPfn       first pfn of a split part (0 otherwise)
 * @param endPfn         end pfn of a split part (0 otherwise)
 * @param maxMapnr       number of pfns the bitmaps cover
 */
public record KdumpHeader(byte[] utsname, long timestamp, int status, int blockSize, int subHdrSize,
                          int bitmapBlocks, int nrCpus, long physBase, int dumpLevel, int split,
                          long offsetVmcoreinfo, long sizeVmcoreinfo, long offsetNote, long sizeNote,
                          long offsetEraseinfo, long sizeEraseinfo, long startPfn, long endPfn,
                          long maxMapnr) {

    public static final byte[] KDUMP_SIGNATURE = "KDUMP   ".getBytes(StandardCharsets.US_ASCII);
    public static final int HEADER_VERSION = 6;
    /** sizeof(struct disk_dump_header) on x86_64. */
    public static final int DISK_DUMP_HEADER_SIZE = 464;
    /** sizeof(struct kdump_sub_header) on x86_64. */
    public static final int SUB_HEADER_SIZE = 104;
    /** sizeof(struct new_utsname): 6 fields of 65 bytes. */
    public static final int UTSNAME_SIZE = 390;
    public static final int UTS_FIELD = 65;
    /** Flag in {@code status}: the dump was cut short. */
    public static final int DUMP_DH_COMPRESSED_INCOMPLETE = 0x8;
    /** Flag in {@code status}: unused vmemmap pages were excluded. */
    public static final int DUMP_DH_EXCLUDED_VMEMMAP = 0x10;

    // disk_dump_header field offsets
    private static final int H_VERSION = 8;
    private static final int H_UTSNAME = 12;
    private static final int H_TIMESTAMP = 408;
    private static final int H_STATUS = 424;
    private static final int H_BLOCK_SIZE = 428;
    private static final int H_SUB_HDR_SIZE = 432;
    private static final int H_BITMAP_BLOCKS = 436;
    private static final int H_MAX_MAPNR = 440;
    private static final int H_NR_CPUS = 460;
    // kdump_sub_header field offsets (relative to block 1)
    private static final int S_PHYS_BASE = 0;
    private static final int S_DUMP_LEVEL = 8;
    private static final int S_SPLIT = 12;
    private static final int S_START_PFN = 16;
    private static final int S_END_PFN = 24;
    private static final int S_OFFSET_VMCOREINFO = 32;
    private static final int S_SIZE_VMCOREINFO = 40;
    private static final int S_OFFSET_NOTE = 48;
    private static final int S_SIZE_NOTE = 56;
    private static final int S_OFFSET_ERASEINFO = 64;
    private static final int S_SIZE_ERASEINFO = 72;
    private static final int S_START_PFN_64 = 80;
    private static final int S_END_PFN_64 = 88;
    private static final int S_MAX_MAPNR_64 = 96;

    private static final long UINT_MAX = 0xffffffffL;

    public KdumpHeader {
        if (utsname.length != UTSNAME_SIZE) {
            throw new IllegalArgumentException("utsname must be " + UTSNAME_SIZE + " bytes");
        }
        utsname = utsname.clone();
    }

    @Override
    public byte[] utsname() {
        return utsname.clone();
    }

    /** One utsname field: 0 sysname, 1 nodename, 2 release, 3 version, 4 machine, 5 domainname. */
    public String utsField(int index) {
        int off = index * UTS_FIELD;
        int end = off;
        while (end < off + UTS_FIELD - 1 && utsname[end] != 0) {
            end++;
        }
        return new String(utsname, off, end - off, StandardCharsets.US_ASCII);
    }

    /** File offset of the 1st bitmap. */
    public long bitmap1Offset() {
        return (long) (1 + subHdrSize) * blockSize;
    }

    /** Bytes of one bitmap (half of the bitmap blocks). */
    public long bitmapLength() {
        return (long) bitmapBlocks * blockSize / 2;
    }

    /** File offset of the page_desc table. */
    public long pageDescOffset() {
        return (long) (1 + subHdrSize + bitmapBlocks) * blockSize;
    }

    /** The file compression flag. */
    public PageCodec codec() {
        PageCodec c = PageCodec.ofFlags(status);
        return c == null ? PageCodec.NONE : c;
    }

    /** Block 0: disk_dump_header (the rest of the block stays a hole). */
    public ByteBuffer diskDumpHeaderBytes() {
        ByteBuffer b = ByteBuffer.allocate(DISK_DUMP_HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, KDUMP_SIGNATURE);
        b.putInt(H_VERSION, HEADER_VERSION);
        b.put(H_UTSNAME, utsname);
        b.putLong(H_TIMESTAMP, timestamp);
        b.putInt(H_STATUS, status);
        b.putInt(H_BLOCK_SIZE, blockSize);
        b.putInt(H_SUB_HDR_SIZE, subHdrSize);
        b.putInt(H_BITMAP_BLOCKS, bitmapBlocks);
        b.putInt(H_MAX_MAPNR, (int) Math.min(maxMapnr, UINT_MAX));
        b.putInt(H_NR_CPUS, nrCpus);
        return b;
    }

    /** Block 1: kdump_sub_header. */
    public ByteBuffer subHeaderBytes() {
        ByteBuffer b = ByteBuffer.allocate(SUB_HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(S_PHYS_BASE, physBase);
        b.putInt(S_DUMP_LEVEL, dumpLevel);
        b.putInt(S_SPLIT, split);
        b.putLong(S_START_PFN, Math.min(startPfn, UINT_MAX));
        b.putLong(S_END_PFN, Math.min(endPfn, UINT_MAX));
        b.putLong(S_OFFSET_VMCOREINFO, offsetVmcoreinfo);
        b.putLong(S_SIZE_VMCOREINFO, sizeVmcoreinfo);
        b.putLong(S_OFFSET_NOTE, offsetNote);
        b.putLong(S_SIZE_NOTE, sizeNote);
        b.putLong(S_OFFSET_ERASEINFO, offsetEraseinfo);
        b.putLong(S_SIZE_ERASEINFO, sizeEraseinfo);
        b.putLong(S_START_PFN_64, startPfn);
        b.putLong(S_END_PFN_64, endPfn);
        b.putLong(S_MAX_MAPNR_64, maxMapnr);
        return b;
    }

    /**
     * A split part's sub header as --reassemble writes it: not split, no pfn range, and the joined
     * erase info (when {@code sizeEraseinfo} is not 0).
     *
     * @param sub the part's {@link #SUB_HEADER_SIZE} bytes
     */
    public static ByteBuffer unsplitSubHeader(ByteBuffer sub, long offsetEraseinfo, long sizeEraseinfo) {
        ByteBuffer b = ByteBuffer.allocate(SUB_HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(sub.duplicate().limit(sub.position() + SUB_HEADER_SIZE)).clear();
        b.putInt(S_SPLIT, 0).putLong(S_START_PFN, 0).putLong(S_END_PFN, 0);
        b.putLong(S_START_PFN_64, 0).putLong(S_END_PFN_64, 0);
        if (sizeEraseinfo != 0) {
            b.putLong(S_OFFSET_ERASEINFO, offsetEraseinfo).putLong(S_SIZE_ERASEINFO, sizeEraseinfo);
        }
        return b;
    }

    /**
     * Marks a dump cut short (-L) as makedumpfile does: status |= DUMP_DH_COMPRESSED_INCOMPLETE, when the
     * header made it into the file.
     */
    public static void markIncomplete(FileChannel ch) throws IOException {
        ByteBuffer status = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        if (ch.read(status, H_STATUS) == 4) {
            status.putInt(0, status.getInt(0) | DUMP_DH_COMPRESSED_INCOMPLETE).clear();
            Writes.fully(ch, status, H_STATUS);
        }
    }

    /**
     * The page_desc table's offset as the disk_dump_header in {@code block0} (from its position) places
     * it: after block 0, the sub header blocks and the bitmap blocks.
     */
    public static long pageDescOffset(ByteBuffer block0) {
        ByteBuffer h = block0.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int at = h.position();
        return (1 + Integer.toUnsignedLong(h.getInt(at + H_SUB_HDR_SIZE))
                + Integer.toUnsignedLong(h.getInt(at + H_BITMAP_BLOCKS))) * Integer.toUnsignedLong(h.getInt(at + H_BLOCK_SIZE));
    }

    /** True when {@code head} starts with the kdump signature. */
    public static boolean isKdump(ByteBuffer head) {
        if (head.remaining() < KDUMP_SIGNATURE.length) {
            return false;
        }
        byte[] sig = new byte[KDUMP_SIGNATURE.length];
        head.duplicate().get(sig);
        return Arrays.equals(sig, KDUMP_SIGNATURE);
    }

    /**
     * Parses and checks both headers.
     *
     * @param block0 at least {@link #DISK_DUMP_HEADER_SIZE} bytes from offset 0
     * @param sub    {@link #SUB_HEADER_SIZE} bytes from offset block_size
     * @param fileSize size of the dump, to check offsets against
     */
    public static KdumpHeader parse(String file, ByteBuffer block0, ByteBuffer sub, long fileSize)
            throws CorruptInputException {
        ByteBuffer h = block0.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (!isKdump(h)) {
            throw new CorruptInputException(file, 0, "not a kdump-compressed dump (no \"KDUMP   \" signature)");
        }
        int version = h.getInt(H_VERSION);
        if (version < 1 || version > HEADER_VERSION) {
            throw new CorruptInputException(file, H_VERSION, "unsupported kdump header_version " + version);
        }
        int blockSize = h.getInt(H_BLOCK_SIZE);
        if (blockSize < 512 || blockSize > 65536 || Integer.bitCount(blockSize) != 1) {
            throw new CorruptInputException(file, H_BLOCK_SIZE, "impossible block_size " + blockSize);
        }
        int subHdrSize = h.getInt(H_SUB_HDR_SIZE);
        long bitmapBlocks = Integer.toUnsignedLong(h.getInt(H_BITMAP_BLOCKS));
        if (subHdrSize < 0 || bitmapBlocks == 0 || bitmapBlocks % 2 != 0
                || (1L + subHdrSize + bitmapBlocks) * blockSize > fileSize) {
            throw new CorruptInputException(file, H_SUB_HDR_SIZE, "sub_hdr_size " + subHdrSize + " and bitmap_blocks "
                    + bitmapBlocks + " run past the end of the file (size 0x" + Long.toHexString(fileSize) + ")");
        }
        int nrCpus = h.getInt(H_NR_CPUS);
        byte[] uts = new byte[UTSNAME_SIZE];
        h.get(H_UTSNAME, uts);
        ByteBuffer s = sub.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long maxMapnr = Integer.toUnsignedLong(h.getInt(H_MAX_MAPNR));
        long offVi = 0, sizeVi = 0, offNote = 0, sizeNote = 0, offErase = 0, sizeErase = 0;
        long start = s.getLong(S_START_PFN), end = s.getLong(S_END_PFN);
        if (version >= 3) {
            offVi = s.getLong(S_OFFSET_VMCOREINFO);
            sizeVi = s.getLong(S_SIZE_VMCOREINFO);
        }
        if (version >= 4) {
            offNote = s.getLong(S_OFFSET_NOTE);
            sizeNote = s.getLong(S_SIZE_NOTE);
        }
        if (version >= 5) {
            offErase = s.getLong(S_OFFSET_ERASEINFO);
            sizeErase = s.getLong(S_SIZE_ERASEINFO);
        }
        if (version >= 6) {
            start = s.getLong(S_START_PFN_64);
            end = s.getLong(S_END_PFN_64);
            maxMapnr = s.getLong(S_MAX_MAPNR_64);
        }
        long sub0 = blockSize;
        checkRange(file, sub0 + S_OFFSET_NOTE, offNote, sizeNote, fileSize, "PT_NOTE copy");
        checkRange(file, sub0 + S_OFFSET_VMCOREINFO, offVi, sizeVi, fileSize, "VMCOREINFO");
        checkRange(file, sub0 + S_OFFSET_ERASEINFO, offErase, sizeErase, fileSize, "eraseinfo");
        long bitmapBits = bitmapBlocks * blockSize / 2 * 8;
        if (maxMapnr < 0 || maxMapnr > bitmapBits) {
            throw new CorruptInputException(file, sub0 + S_MAX_MAPNR_64, "max_mapnr 0x" + Long.toHexString(maxMapnr)
                    + " does not fit the bitmaps of " + bitmapBlocks + " blocks");
        }
        // A --split part's pfn range indexes the bitmaps: it must start inside them.
        if (s.getInt(S_SPLIT) != 0 && (start < 0 || start > maxMapnr || end < start)) {
            throw new CorruptInputException(file, sub0 + (version >= 6 ? S_START_PFN_64 : S_START_PFN),
                    "split part pfn range [0x" + Long.toHexString(start) + ", 0x" + Long.toHexString(end)
                    + ") does not start within max_mapnr 0x" + Long.toHexString(maxMapnr));
        }
        return new KdumpHeader(uts, h.getLong(H_TIMESTAMP), h.getInt(H_STATUS), blockSize, subHdrSize,
                (int) bitmapBlocks, nrCpus, s.getLong(S_PHYS_BASE), s.getInt(S_DUMP_LEVEL), s.getInt(S_SPLIT),
                offVi, sizeVi, offNote, sizeNote, offErase, sizeErase, start, end, maxMapnr);
    }

    private static void checkRange(String file, long fieldOffset, long off, long size, long fileSize, String what)
            throws CorruptInputException {
        if (size != 0 && (off <= 0 || !dev.pmemdump.io.Ranges.fits(off, size, fileSize))) {
            throw new CorruptInputException(file, fieldOffset, what + " at 0x" + Long.toHexString(off) + " (0x"
                    + Long.toHexString(size) + " bytes) lies outside the file (size 0x" + Long.toHexString(fileSize) + ")");
        }
    }
}
