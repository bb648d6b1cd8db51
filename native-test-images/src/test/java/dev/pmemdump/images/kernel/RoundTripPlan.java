package dev.pmemdump.images.kernel;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What both directions of the kernel round trip build: every namespace personality, under each
 * label version, in a 512 MiB NVDIMM image (the fixtures' size), with 1 MiB of known data each.
 */
final class RoundTripPlan {
    /** A namespace to create: its name in the test, ndctl's options, and what ndctl must report. */
    record Planned(String name, String options, String mode, String map) {}

    static final List<Planned> NAMESPACES = List.of(
            new Planned("fsdax-dev", "-m fsdax --map=dev -s 128M", "fsdax", "dev"),
            new Planned("fsdax-mem", "-m fsdax --map=mem -s 64M", "fsdax", "mem"),
            new Planned("devdax", "-m devdax -s 128M", "devdax", "dev"),
            new Planned("sector", "-m sector -s 64M", "sector", null),
            new Planned("raw", "-m raw -s 32M", "raw", null));
    static final List<String> LABEL_VERSIONS = List.of("1.1", "1.2");
    static final long IMAGE_SIZE = 512L << 20;
    static final int DATA_LENGTH = 1 << 20;

    private RoundTripPlan() {}

    static byte[] data(String version, Planned p) {
        return KnownData.lines("v" + version + " " + p.name(), DATA_LENGTH);
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
