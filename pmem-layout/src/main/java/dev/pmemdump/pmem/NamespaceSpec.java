package dev.pmemdump.pmem;

import java.util.UUID;

/**
 * What to create: the options of {@code ndctl create-namespace}, already parsed. Zero or null
 * means "ndctl's default" (size: the largest free extent; align: 2 MiB; sector size: 4096 for
 * sector mode, else 512; uuids: random).
 */
public record NamespaceSpec(Mode mode, MapLocation map, long size, long align, String name, UUID uuid,
                            long sectorSize, UUID personalityUuid) {

    public static NamespaceSpec of(Mode mode) {
        return new NamespaceSpec(mode, null, 0, 0, null, null, 0, null);
    }

    public NamespaceSpec withSize(long bytes) {
        return new NamespaceSpec(mode, map, bytes, align, name, uuid, sectorSize, personalityUuid);
    }

    public NamespaceSpec withMap(MapLocation m) {
        return new NamespaceSpec(mode, m, size, align, name, uuid, sectorSize, personalityUuid);
    }

    public NamespaceSpec withAlign(long a) {
        return new NamespaceSpec(mode, map, size, a, name, uuid, sectorSize, personalityUuid);
    }

    public NamespaceSpec withName(String n) {
        return new NamespaceSpec(mode, map, size, align, n, uuid, sectorSize, personalityUuid);
    }

    public NamespaceSpec withUuid(UUID u) {
        return new NamespaceSpec(mode, map, size, align, name, u, sectorSize, personalityUuid);
    }

    public NamespaceSpec withSectorSize(long s) {
        return new NamespaceSpec(mode, map, size, align, name, uuid, s, personalityUuid);
    }

    public NamespaceSpec withPersonalityUuid(UUID u) {
        return new NamespaceSpec(mode, map, size, align, name, uuid, sectorSize, u);
    }
}
