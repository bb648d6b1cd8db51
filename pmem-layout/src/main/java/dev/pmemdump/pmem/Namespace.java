package dev.pmemdump.pmem;

import java.lang.foreign.MemorySegment;
import java.util.UUID;

/**
 * One namespace as the kernel would instantiate it from the image.
 *
 * @param dev        kernel device name, {@code namespaceX.Y}
 * @param id         the Y of {@code namespaceX.Y}
 * @param mode       personality found by probing (btt, then pfn, then dax, else raw)
 * @param map        memmap location for fsdax/devdax, null otherwise
 * @param uuid       personality uuid (info block), or the label uuid for raw; null when label-less raw
 * @param rawUuid    the label's uuid; null when label-less
 * @param size       usable size as sysfs/ndctl report it
 * @param offset     byte offset of the namespace in the region (= DPA = file offset on QEMU/e820 images)
 * @param rawSize    bytes the namespace occupies in the region
 * @param sectorSize btt sector size for sector mode, else the namespace LBA size
 * @param align      pfn/dax alignment (0 for raw and sector)
 * @param name       the label's alt name ("" when none)
 * @param infoBlock  the validated info block, or null
 * @param label      the live label, or null when label-less
 * @param segment    the namespace's bytes
 * @param btt        the BTT of a sector namespace, else null
 */
public record Namespace(String dev, int id, Mode mode, MapLocation map, UUID uuid, UUID rawUuid, long size,
                        long offset, long rawSize, long sectorSize, long align, String name, InfoBlock infoBlock,
                        NamespaceLabel label, MemorySegment segment, Btt btt) {

    /** The pfn/dax info block, or null. */
    public PfnInfoBlock pfn() {
        return infoBlock instanceof PfnInfoBlock p ? p : null;
    }

    /**
     * Where the device struct pages live: {@code [8 KiB, dataoff)} of an fsdax/devdax namespace with
     * {@code --map=dev}; an empty segment (at the data offset) for every other namespace.
     */
    public MemorySegment memmapArea() {
        PfnInfoBlock p = pfn();
        if (p == null) {
            return segment.asSlice(0, 0);
        }
        if (p.mode() != PfnInfoBlock.MODE_PMEM) {
            return segment.asSlice(p.dataOff(), 0);
        }
        return segment.asSlice(PfnInfoBlock.INFO_RESERVE, p.dataOff() - PfnInfoBlock.INFO_RESERVE);
    }

    /**
     * The bytes user data occupies: {@code [dataoff, rawSize - end_trunc)} for fsdax/devdax, the
     * whole namespace for raw, and the first arena's data blocks for sector (use {@link #btt()} to
     * read by LBA).
     */
    public MemorySegment dataArea() {
        PfnInfoBlock p = pfn();
        if (p != null) {
            return segment.asSlice(p.dataOff() + p.startPad(), p.dataSize(rawSize));
        }
        if (btt != null) {
            return btt.firstArenaData();
        }
        return segment;
    }

    /** Offset of {@link #dataArea()} in the namespace. */
    public long dataOffset() {
        PfnInfoBlock p = pfn();
        return p == null ? (btt != null ? dataArea().address() - segment.address() : 0) : p.dataOff() + p.startPad();
    }

    /** {@code pmemX[.Y][s]} for block-device modes, null for devdax. */
    public String blockdev(int region) {
        if (mode == Mode.DEVDAX) {
            return null;
        }
        return "pmem" + region + (id == 0 ? "" : "." + id) + (mode == Mode.SECTOR ? "s" : "");
    }

    /** {@code daxX.Y} for devdax, else null. */
    public String chardev(int region) {
        return mode == Mode.DEVDAX ? "dax" + region + "." + id : null;
    }
}
