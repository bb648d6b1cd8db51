package dev.pmemdump.pmem;

import dev.pmemdump.io.Bytes;

import java.lang.foreign.MemorySegment;

/**
 * How a region sits in an image file.
 * <ul>
 * <li>{@link Kind#QEMU_NVDIMM}: QEMU's emulated NVDIMM backing file. DPA 0 is file offset 0; the
 * label storage area is the last {@code labelSize} bytes (QEMU {@code label-size}, default
 * 128 KiB); the region is everything before it.</li>
 * <li>{@link Kind#LEGACY_E820}: {@code memmap=nn!ss} / "Persistent Memory (legacy)": the whole file is
 * the region, there are no labels, and a namespace without an info block is in "memory" mode.</li>
 * </ul>
 * {@code physStart} is the region's physical address (alignment rules use it). The interleave-set
 * cookies are what the kernel derives from the NFIT for this DIMM; labels carrying another cookie
 * are not this region's and are skipped, as the kernel skips them.
 */
public record RegionLayout(Kind kind, long labelSize, long physStart, long cookie1, long cookie2) {

    public enum Kind { QEMU_NVDIMM, LEGACY_E820 }

    public static final long DEFAULT_LABEL_SIZE = 128 * Bytes.KiB;
    /** QEMU places the first NVDIMM at 4 GiB on a pc machine with up to 3 GiB of RAM (the fixtures). */
    public static final long QEMU_DEFAULT_BASE = 0x1_0000_0000L;
    /** The fixtures' {@code memmap=128M!768M}. */
    public static final long E820_DEFAULT_BASE = 0x3000_0000L;
    /** QEMU's NFIT control region for its first NVDIMM: serial 0x00123456 (LE), vendor 0x8086. */
    public static final int QEMU_SERIAL = 0x00123456;
    public static final short QEMU_VENDOR = (short) 0x8086;

    public static RegionLayout qemuNvdimm(long labelSize, long physStart) {
        return new RegionLayout(Kind.QEMU_NVDIMM, labelSize, physStart,
                cookie1(0, QEMU_SERIAL), cookie2(0, QEMU_SERIAL, QEMU_VENDOR));
    }

    public static RegionLayout qemuNvdimm() {
        return qemuNvdimm(DEFAULT_LABEL_SIZE, QEMU_DEFAULT_BASE);
    }

    public static RegionLayout legacyE820(long physStart) {
        return new RegionLayout(Kind.LEGACY_E820, 0, physStart, 0, 0);
    }

    /** Bytes of the file that belong to the region. */
    public long regionSize(long fileSize) {
        return fileSize - labelSize;
    }

    /** File offset of the label storage area. */
    public long labelOffset(long fileSize) {
        return fileSize - labelSize;
    }

    public boolean hasLabels() {
        return kind == Kind.QEMU_NVDIMM;
    }

    /** e820 regions map pages for a namespace without an info block (sysfs mode "memory"). */
    public boolean pageMap() {
        return kind == Kind.LEGACY_E820;
    }

    /**
     * Interleave-set cookie for v1.1 labels (ACPI NFIT {@code nfit_set_info}): fletcher64 over
     * {region_offset u64, serial u32, pad u32} of each DIMM, here one.
     */
    public static long cookie1(long regionOffset, int serial) {
        MemorySegment s = MemorySegment.ofArray(new byte[16]);
        s.set(Bytes.LE_U64, 0, regionOffset);
        s.set(Bytes.LE_U32, 8, serial);
        return Fletcher64.of(s);
    }

    /**
     * Cookie for v1.2 labels ({@code nfit_set_info2}, 48 bytes per DIMM): region_offset, serial,
     * vendor id, manufacturing date and location, zero padding.
     */
    public static long cookie2(long regionOffset, int serial, short vendor) {
        MemorySegment s = MemorySegment.ofArray(new byte[48]);
        s.set(Bytes.LE_U64, 0, regionOffset);
        s.set(Bytes.LE_U32, 8, serial);
        s.set(Bytes.LE_U16, 12, vendor);
        return Fletcher64.of(s);
    }
}
