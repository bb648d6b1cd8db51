package dev.pmemdump.pmem;

import dev.pmemdump.io.Bytes;
import dev.pmemdump.io.CorruptInputException;

import java.lang.foreign.MemorySegment;
import java.util.UUID;

/**
 * The fsdax / devdax info block ({@code struct nd_pfn_sb}, drivers/nvdimm/pfn.h), version 1.4,
 * at namespace offset 4096. It says where the data starts ({@code dataoff}) and, in
 * {@code --map=dev} mode, that {@code [8 KiB, dataoff)} holds the 64-byte struct pages.
 *
 * <pre>
 * 0x00 signature  0x10 uuid  0x20 parent_uuid  0x30 flags  0x34 version 1.4  0x38 dataoff
 * 0x40 npfns  0x48 mode  0x4c start_pad (v1.1)  0x50 end_trunc (v1.1)  0x54 align (v1.2)
 * 0x58 page_size (v1.4)  0x5c page_struct_size (v1.4)  ...  0xff8 checksum
 * </pre>
 *
 * Older minor versions are normalised on reading as {@code nd_pfn_validate} does, so callers
 * never look at the version: {@code align} is the effective alignment.
 */
public record PfnInfoBlock(String signature, UUID uuid, UUID parentUuid, int flags, int versionMajor,
                           int versionMinor, long dataOff, long npfns, int mode, long startPad, long endTrunc,
                           long align, long pageSize, int pageStructSize) implements InfoBlock {

    public static final String PFN_SIG = "NVDIMM_PFN_INFO";
    public static final String DAX_SIG = "NVDIMM_DAX_INFO";
    /** Where the block sits in its namespace. */
    public static final long NAMESPACE_OFFSET = 4096;
    /** {@code nd_info_block_reserve()}: the first 8 KiB of a namespace belong to info blocks. */
    public static final long INFO_RESERVE = 8192;
    public static final int MODE_RAM = 1, MODE_PMEM = 2;
    public static final long PAGE_SIZE = 4096;
    /** {@code MAX_STRUCT_PAGE_SIZE}: what the memmap reserves per page, whatever the kernel config. */
    public static final int STRUCT_PAGE_SIZE = 64;
    /** {@code memremap_compat_align()} on x86_64: one subsection. */
    public static final long COMPAT_ALIGN = 2L << 20;
    /** {@code nd_pfn_supported_alignments} on x86_64: PAGE_SIZE, PMD, PUD. */
    public static final long[] SUPPORTED_ALIGNMENTS = {4096, 2L << 20, 1L << 30};

    static final long OFF_DATAOFF = 0x38, OFF_NPFNS = 0x40, OFF_MODE = 0x48, OFF_START_PAD = 0x4c,
            OFF_END_TRUNC = 0x50, OFF_ALIGN = 0x54, OFF_PAGE_SIZE = 0x58, OFF_PAGE_STRUCT_SIZE = 0x5c;

    public boolean isDax() {
        return DAX_SIG.equals(signature);
    }

    /** Usable bytes (sysfs pfn/dax {@code size}). */
    public long dataSize(long namespaceSize) {
        return namespaceSize - startPad - endTrunc - dataOff;
    }

    /** Memmap placement computed as {@code nd_pfn_init()} does for a new block. */
    public record Placement(long dataOff, long npfns, long endTrunc, long align) {}

    /**
     * {@code nd_pfn_init()} (v5.5+): {@code start} is the namespace's physical address, {@code align}
     * the requested pfn alignment; dataoff is aligned to {@code max(align, 2 MiB)}.
     */
    public static Placement place(long start, long size, int mode, long align) {
        long npfns = (size - INFO_RESERVE) / PAGE_SIZE;
        long effective = Math.max(align, COMPAT_ALIGN);
        if ((start & (COMPAT_ALIGN - 1)) != 0) {
            throw new IllegalArgumentException("start 0x" + Long.toHexString(start) + " misaligned to 0x"
                    + Long.toHexString(COMPAT_ALIGN));
        }
        long end = start + size;
        long endTrunc = end - (end & -effective);
        long offset;
        if (mode == MODE_PMEM) {
            offset = alignUp(start + INFO_RESERVE + STRUCT_PAGE_SIZE * npfns, effective) - start;
        } else if (mode == MODE_RAM) {
            offset = alignUp(start + INFO_RESERVE, effective) - start;
        } else {
            throw new IllegalArgumentException("pfn mode " + mode + " invalid");
        }
        if (offset >= size - endTrunc) {
            throw new IllegalArgumentException("unable to satisfy requested alignment");
        }
        return new Placement(offset, (size - offset - endTrunc) / PAGE_SIZE, endTrunc, align);
    }

    private static long alignUp(long v, long a) {
        return (v + a - 1) & -a;
    }

    /** A new version-1.4 block for {@code placement}. */
    public static PfnInfoBlock create(boolean dax, UUID uuid, UUID parent, int mode, Placement p) {
        return new PfnInfoBlock(dax ? DAX_SIG : PFN_SIG, uuid, parent, 0, 1, 4, p.dataOff(), p.npfns(), mode, 0,
                p.endTrunc(), p.align(), PAGE_SIZE, STRUCT_PAGE_SIZE);
    }

    /**
     * The first 8 KiB of a namespace carrying this block, zeros and then the block at 4 KiB: what
     * {@code ndctl write-infoblock} writes to a namespace or file.
     */
    public byte[] namespaceStart() {
        byte[] out = new byte[(int) INFO_RESERVE];
        encode(MemorySegment.ofArray(out).asSlice(NAMESPACE_OFFSET, INFO_RESERVE - NAMESPACE_OFFSET));
        return out;
    }

    /** The 4096 bytes of this block, checksum included. */
    void encode(MemorySegment b) {
        b.fill((byte) 0);
        InfoBlock.writeSignature(b, signature);
        Uuids.writeUuid(b, OFF_UUID, uuid);
        Uuids.writeUuid(b, OFF_PARENT_UUID, parentUuid);
        b.set(Bytes.LE_U32, OFF_FLAGS, flags);
        b.set(Bytes.LE_U16, OFF_VERSION_MAJOR, (short) versionMajor);
        b.set(Bytes.LE_U16, OFF_VERSION_MINOR, (short) versionMinor);
        b.set(Bytes.LE_U64, OFF_DATAOFF, dataOff);
        b.set(Bytes.LE_U64, OFF_NPFNS, npfns);
        b.set(Bytes.LE_U32, OFF_MODE, mode);
        b.set(Bytes.LE_U32, OFF_START_PAD, (int) startPad);
        b.set(Bytes.LE_U32, OFF_END_TRUNC, (int) endTrunc);
        b.set(Bytes.LE_U32, OFF_ALIGN, (int) align);
        b.set(Bytes.LE_U32, OFF_PAGE_SIZE, (int) pageSize);
        b.set(Bytes.LE_U16, OFF_PAGE_STRUCT_SIZE, (short) pageStructSize);
        InfoBlock.seal(b);
    }

    /**
     * Probes and validates the block at {@code fileOffset} as {@code nd_pfn_validate()} does for a
     * namespace at physical {@code start} of {@code size} bytes whose uuid is {@code parent}.
     * Returns null when {@code sig} is absent or the block names another parent namespace (a stale
     * block, not this personality: the kernel's -ENODEV); otherwise the normalised
     * block, or a {@link CorruptInputException} naming the failed check and its field offset.
     */
    /**
     * The namespace size the block's own fields describe, {@code start_pad + dataoff + npfns pages +
     * end_trunc} (no pad or trunc before v1.1): where the namespace ends, whatever region or PT_LOAD
     * it sits in. Untrusted: throws {@link ArithmeticException} when the figures overflow.
     */
    public static long describedSize(MemorySegment b) {
        int minor = Bytes.u16(b.get(Bytes.LE_U16, OFF_VERSION_MINOR));
        long startPad = minor < 1 ? 0 : Bytes.u32(b.get(Bytes.LE_U32, OFF_START_PAD));
        long endTrunc = minor < 1 ? 0 : Bytes.u32(b.get(Bytes.LE_U32, OFF_END_TRUNC));
        long dataOff = b.get(Bytes.LE_U64, OFF_DATAOFF);
        long npfns = b.get(Bytes.LE_U64, OFF_NPFNS);
        if (dataOff < 0 || npfns < 0) {
            throw new ArithmeticException("dataoff or npfns beyond 2^63");
        }
        return Math.addExact(Math.addExact(Math.addExact(startPad, dataOff), Math.multiplyExact(npfns, PAGE_SIZE)),
                endTrunc);
    }

    public static PfnInfoBlock read(String resource, long fileOffset, MemorySegment b, String sig, UUID parent,
                                    long start, long size) throws CorruptInputException {
        if (!InfoBlock.hasSignature(b, sig)) {
            return null;
        }
        String what = (DAX_SIG.equals(sig) ? "dax" : "pfn") + " info block";
        InfoBlock.verifyChecksum(resource, fileOffset + OFF_CHECKSUM, b, what);
        UUID parentUuid = Uuids.readUuid(b, OFF_PARENT_UUID);
        if (!parentUuid.equals(parent)) {
            // A stale block of an earlier namespace at this place: the kernel ignores it (-ENODEV).
            return null;
        }
        int minor = Bytes.u16(b.get(Bytes.LE_U16, OFF_VERSION_MINOR));
        long startPad = Bytes.u32(b.get(Bytes.LE_U32, OFF_START_PAD));
        long endTrunc = Bytes.u32(b.get(Bytes.LE_U32, OFF_END_TRUNC));
        long align = Bytes.u32(b.get(Bytes.LE_U32, OFF_ALIGN));
        long pageSize = Bytes.u32(b.get(Bytes.LE_U32, OFF_PAGE_SIZE));
        int structSize = Bytes.u16(b.get(Bytes.LE_U16, OFF_PAGE_STRUCT_SIZE));
        if (minor < 1) {
            startPad = 0;
            endTrunc = 0;
        }
        if (minor < 2) {
            align = 0;
        }
        if (minor < 4) {
            structSize = STRUCT_PAGE_SIZE;
            pageSize = PAGE_SIZE;
        }
        long offset = b.get(Bytes.LE_U64, OFF_DATAOFF);
        int mode = b.get(Bytes.LE_U32, OFF_MODE);
        if (mode != MODE_RAM && mode != MODE_PMEM) {
            throw new CorruptInputException(resource, fileOffset + OFF_MODE, what + " mode " + mode + " invalid");
        }
        if (align == 0 && offset > 0) {
            align = Long.highestOneBit(offset);
        }
        if (pageSize > PAGE_SIZE && mode == MODE_PMEM) {
            throw new CorruptInputException(resource, fileOffset + OFF_PAGE_SIZE, what + " page size mismatch "
                    + pageSize + " vs " + PAGE_SIZE);
        }
        if (structSize < STRUCT_PAGE_SIZE && mode == MODE_PMEM) {
            throw new CorruptInputException(resource, fileOffset + OFF_PAGE_STRUCT_SIZE, what
                    + " struct page size mismatch " + structSize + " vs " + STRUCT_PAGE_SIZE);
        }
        if (DAX_SIG.equals(sig) && !supported(align)) {
            throw new CorruptInputException(resource, fileOffset + OFF_ALIGN, what + " alignment mismatch: 0x"
                    + Long.toHexString(align) + " is not a supported alignment");
        }
        if (align > size) {
            throw new CorruptInputException(resource, fileOffset + OFF_ALIGN, what + " alignment 0x"
                    + Long.toHexString(align) + " exceeds namespace capacity 0x" + Long.toHexString(size));
        }
        if (Long.compareUnsigned(offset, size) >= 0) {
            throw new CorruptInputException(resource, fileOffset + OFF_DATAOFF, what + " dataoff 0x"
                    + Long.toHexString(offset) + ": pfn array size exceeds capacity 0x" + Long.toHexString(size));
        }
        if ((align != 0 && ((start + offset + startPad) & (align - 1)) != 0) || (offset & (PAGE_SIZE - 1)) != 0) {
            throw new CorruptInputException(resource, fileOffset + OFF_DATAOFF, what + " bad offset: start 0x"
                    + Long.toHexString(start + startPad) + " + dataoff 0x" + Long.toHexString(offset)
                    + " not aligned to 0x" + Long.toHexString(align) + " (or dataoff not page aligned)");
        }
        if (((start + startPad) & (COMPAT_ALIGN - 1)) != 0) {
            throw new CorruptInputException(resource, fileOffset + OFF_START_PAD, what
                    + " resource start misaligned: 0x" + Long.toHexString(start + startPad));
        }
        if (((start + size - endTrunc) & (COMPAT_ALIGN - 1)) != 0) {
            throw new CorruptInputException(resource, fileOffset + OFF_END_TRUNC, what
                    + " resource end misaligned: 0x" + Long.toHexString(start + size - endTrunc));
        }
        if (offset >= size - startPad - endTrunc) {
            throw new CorruptInputException(resource, fileOffset + OFF_DATAOFF, what
                    + " bad offset with small namespace: dataoff 0x" + Long.toHexString(offset));
        }
        return new PfnInfoBlock(sig, Uuids.readUuid(b, OFF_UUID), parentUuid, b.get(Bytes.LE_U32, OFF_FLAGS),
                Bytes.u16(b.get(Bytes.LE_U16, OFF_VERSION_MAJOR)), minor, offset,
                b.get(Bytes.LE_U64, OFF_NPFNS), mode, startPad, endTrunc, align, pageSize, structSize);
    }

    static boolean supported(long align) {
        for (long a : SUPPORTED_ALIGNMENTS) {
            if (a == align) {
                return true;
            }
        }
        return false;
    }
}
