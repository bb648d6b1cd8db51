package dev.pmemdump.pmem;

import dev.pmemdump.io.Bytes;
import dev.pmemdump.io.CorruptInputException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.UUID;

/**
 * The Block Translation Table of a sector-mode namespace (drivers/nvdimm/btt.c): a chain of
 * arenas of at most 512 GiB, each with an info block, data blocks, a map from external to
 * internal block numbers, a log of {@code nfree} lanes and a backup info block.
 *
 * <pre>
 * arena: | info | data (internal_nlba blocks) | map (4 B per external LBA) | log | info2 |
 * </pre>
 */
public final class Btt {
    static final long ARENA_MIN_SIZE = 1L << 24, ARENA_MAX_SIZE = 1L << 39;
    static final int DEFAULT_NFREE = 256;
    static final long PAGE = 4096, MAP_ENT_SIZE = 4, LOG_GROUP_SIZE = 64, LOG_ENT_SIZE = 16;
    static final long INT_LBASIZE_ALIGNMENT = 64;
    static final int MAP_TRIM = 0x80000000, MAP_ERROR = 0x40000000, MAP_LBA_MASK = 0x3fffffff;
    static final int LOG_SEQ_INIT = 1;

    /** One arena: where it starts in the namespace and its info block. */
    public record ArenaInfo(long offset, long size, BttInfoBlock info) {}

    private final String resource;
    private final long nsFileOffset;
    private final MemorySegment ns;
    private final List<ArenaInfo> arenas;

    private Btt(String resource, long nsFileOffset, MemorySegment ns, List<ArenaInfo> arenas) {
        this.resource = resource;
        this.nsFileOffset = nsFileOffset;
        this.ns = ns;
        this.arenas = arenas;
    }

    /**
     * Finds the arenas of a BTT starting at {@code bttOffset} in namespace segment {@code ns}
     * (file offset {@code nsFileOffset}). Null when the first arena has no info block (not a BTT);
     * a later arena without a valid one is corruption, as in the kernel's {@code discover_arenas}.
     */
    static Btt open(String resource, long nsFileOffset, MemorySegment ns, long bttOffset, UUID parent)
            throws CorruptInputException {
        if (ns.byteSize() < bttOffset + InfoBlock.SIZE) {
            return null;
        }
        long remaining = ns.byteSize() - bttOffset;
        long off = bttOffset;
        List<ArenaInfo> arenas = new ArrayList<>();
        while (remaining > 0) {
            MemorySegment b = ns.asSlice(off, InfoBlock.SIZE);
            BttInfoBlock ib = BttInfoBlock.read(resource, nsFileOffset + off, b, parent, remaining);
            if (ib == null) {
                if (arenas.isEmpty()) {
                    return null;
                }
                throw new CorruptInputException(resource, nsFileOffset + off, "btt arena " + arenas.size()
                        + " has no info block (corrupt metadata)");
            }
            long size = ib.nextOff() == 0 ? remaining : ib.nextOff();
            arenas.add(new ArenaInfo(off, size, ib));
            if (ib.nextOff() == 0) {
                break;
            }
            if (ib.nextOff() < ARENA_MIN_SIZE || ib.nextOff() > remaining) {
                throw new CorruptInputException(resource, nsFileOffset + off + BttInfoBlock.OFF_NEXTOFF,
                        "btt nextoff 0x" + Long.toHexString(ib.nextOff()) + " invalid");
            }
            off += ib.nextOff();
            remaining -= ib.nextOff();
        }
        return new Btt(resource, nsFileOffset, ns, List.copyOf(arenas));
    }

    public List<ArenaInfo> arenas() {
        return arenas;
    }

    /** Exported capacity: the sum over arenas of external LBAs times LBA size. */
    public long size() {
        return arenas.stream().mapToLong(a -> a.info().externalSize()).sum();
    }

    public long sectorSize() {
        return arenas.get(0).info().externalLbaSize();
    }

    /** The first arena's data blocks (internal LBAs in media order). */
    public MemorySegment firstArenaData() {
        ArenaInfo a = arenas.get(0);
        BttInfoBlock ib = a.info();
        return ns.asSlice(a.offset() + ib.dataOff(), ib.internalNlba() * ib.internalLbaSize());
    }

    /**
     * External block {@code lba} as the BTT maps it; a trimmed block reads as zeros (null is
     * returned so callers can tell), a block with the error flag is corruption.
     */
    public MemorySegment block(long lba) throws CorruptInputException {
        long rest = lba;
        for (ArenaInfo a : arenas) {
            BttInfoBlock ib = a.info();
            if (rest >= ib.externalNlba()) {
                rest -= ib.externalNlba();
                continue;
            }
            long mapAt = a.offset() + ib.mapOff() + rest * MAP_ENT_SIZE;
            int raw = ns.get(Bytes.LE_U32, mapAt);
            long post;
            switch (raw & (MAP_TRIM | MAP_ERROR)) {
                case 0 -> post = rest;
                case MAP_TRIM | MAP_ERROR -> post = raw & MAP_LBA_MASK;
                case MAP_TRIM -> {
                    return null;
                }
                default -> throw new CorruptInputException(resource, nsFileOffset + mapAt,
                        "btt map entry for lba " + lba + " has the error flag");
            }
            if (post >= ib.internalNlba()) {
                throw new CorruptInputException(resource, nsFileOffset + mapAt, "btt map entry for lba " + lba
                        + " points past the arena (" + post + " >= " + ib.internalNlba() + ")");
            }
            return ns.asSlice(a.offset() + ib.dataOff() + post * ib.internalLbaSize(), ib.externalLbaSize());
        }
        throw new IllegalArgumentException("lba " + lba + " beyond the btt's " + size() / sectorSize() + " blocks");
    }

    /** Reads {@code len} bytes at byte offset {@code off} of the exported block device. */
    public byte[] read(long off, int len) throws CorruptInputException {
        byte[] out = new byte[len];
        long bs = sectorSize();
        int done = 0;
        while (done < len) {
            long pos = off + done;
            MemorySegment blk = block(pos / bs);
            int in = (int) (pos % bs);
            int n = (int) Math.min(bs - in, len - done);
            if (blk != null) {
                MemorySegment.copy(blk, in, MemorySegment.ofArray(out), done, n);
            }
            done += n;
        }
        return out;
    }

    /** The geometry {@code alloc_arena} gives an arena of {@code size} bytes. */
    static BttInfoBlock layout(long size, long nextOff, long lbaSize, UUID uuid, UUID parent, int major, int minor) {
        long available = size - 2 * PAGE;
        long logSize = roundUp(DEFAULT_NFREE * LOG_GROUP_SIZE, PAGE);
        available -= logSize;
        long internalLbaSize = roundUp(lbaSize, INT_LBASIZE_ALIGNMENT);
        long internalNlba = (available - PAGE) / (internalLbaSize + MAP_ENT_SIZE);
        long externalNlba = internalNlba - DEFAULT_NFREE;
        long mapSize = roundUp(externalNlba * MAP_ENT_SIZE, PAGE);
        long dataSize = available - mapSize;
        long dataOff = PAGE;
        long mapOff = dataOff + dataSize;
        long logOff = mapOff + mapSize;
        long info2Off = logOff + logSize;
        return new BttInfoBlock(uuid, parent, 0, major, minor, lbaSize, externalNlba, internalLbaSize, internalNlba,
                DEFAULT_NFREE, InfoBlock.SIZE, nextOff, dataOff, mapOff, logOff, info2Off);
    }

    private static long roundUp(long v, long a) {
        return (v + a - 1) / a * a;
    }

    /**
     * Writes a fresh BTT of {@code rawSize} bytes at file offset {@code fileOffset}: arenas of at
     * most 512 GiB ({@code create_arenas}), each with a zeroed map, initialised log lanes and both
     * info blocks; the primary info block goes last so a half-written arena is not recognised.
     */
    static long format(MediaWriter w, long fileOffset, long rawSize, long lbaSize, UUID uuid, UUID parent,
                       int major, int minor) throws IOException {
        long remaining = rawSize;
        long off = 0;
        long exported = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = arena.allocate(InfoBlock.SIZE);
            MemorySegment log = arena.allocate(DEFAULT_NFREE * LOG_GROUP_SIZE);
            while (remaining >= ARENA_MIN_SIZE) {
                long size = Math.min(remaining, ARENA_MAX_SIZE);
                long next = remaining - size >= ARENA_MIN_SIZE ? size : 0;
                BttInfoBlock ib = layout(size, next, lbaSize, uuid, parent, major, minor);
                long base = fileOffset + off;
                w.zero(base + ib.mapOff(), ib.logOff() - ib.mapOff());
                log.fill((byte) 0);
                for (int lane = 0; lane < DEFAULT_NFREE; lane++) {
                    long at = lane * LOG_GROUP_SIZE;
                    int free = (int) (ib.externalNlba() + lane);
                    log.set(Bytes.LE_U32, at, lane);
                    log.set(Bytes.LE_U32, at + 4, free);
                    log.set(Bytes.LE_U32, at + 8, free);
                    log.set(Bytes.LE_U32, at + 12, LOG_SEQ_INIT);
                }
                w.write(base + ib.logOff(), log);
                ib.encode(block);
                w.write(base + ib.info2Off(), block);
                w.write(base, block);
                exported += ib.externalSize();
                off += size;
                remaining -= size;
                if (next == 0) {
                    break;
                }
            }
        }
        if (exported == 0) {
            throw new IllegalArgumentException("namespace too small to host a btt (minimum 16 MiB)");
        }
        return exported;
    }

    /**
     * Consistency check ({@code ndctl check-namespace}): both info copies agree, each lane's
     * newest log entry is sane, and every internal block is mapped or free exactly once.
     * Returns the problems found (empty when clean).
     */
    public List<String> check() {
        List<String> problems = new ArrayList<>();
        for (int n = 0; n < arenas.size(); n++) {
            ArenaInfo a = arenas.get(n);
            BttInfoBlock ib = a.info();
            String where = "arena " + n + " (offset 0x" + Long.toHexString(nsFileOffset + a.offset()) + ")";
            MemorySegment info = ns.asSlice(a.offset(), InfoBlock.SIZE);
            MemorySegment info2 = ns.asSlice(a.offset() + ib.info2Off(), InfoBlock.SIZE);
            if (info.mismatch(info2) != -1) {
                problems.add(where + ": info block and its backup at +0x" + Long.toHexString(ib.info2Off()) + " differ");
            }
            BitSet used = new BitSet((int) ib.internalNlba());
            for (long lba = 0; lba < ib.externalNlba(); lba++) {
                int raw = ns.get(Bytes.LE_U32, a.offset() + ib.mapOff() + lba * MAP_ENT_SIZE);
                long post = (raw & (MAP_TRIM | MAP_ERROR)) == 0 ? lba : raw & MAP_LBA_MASK;
                if ((raw & (MAP_TRIM | MAP_ERROR)) == MAP_ERROR) {
                    problems.add(where + ": map entry " + lba + " has the error flag");
                } else if (post >= ib.internalNlba() || used.get((int) post)) {
                    problems.add(where + ": map entry " + lba + " -> " + post + " out of range or mapped twice");
                } else {
                    used.set((int) post);
                }
            }
            for (int lane = 0; lane < ib.nfree(); lane++) {
                long g = a.offset() + ib.logOff() + lane * LOG_GROUP_SIZE;
                int seq0 = ns.get(Bytes.LE_U32, g + 12), seq1 = ns.get(Bytes.LE_U32, g + LOG_ENT_SIZE + 12);
                long ent = LabelIndex.bestSeq(seq0, seq1) == (seq1 & 3) && seq1 != 0 ? g + LOG_ENT_SIZE : g;
                long oldMap = ns.get(Bytes.LE_U32, ent + 4) & MAP_LBA_MASK;
                if ((seq0 | seq1) == 0 || oldMap >= ib.internalNlba() || used.get((int) oldMap)) {
                    problems.add(where + ": log lane " + lane + " free block " + oldMap + " invalid or in use");
                } else {
                    used.set((int) oldMap);
                }
            }
        }
        return problems;
    }
}
