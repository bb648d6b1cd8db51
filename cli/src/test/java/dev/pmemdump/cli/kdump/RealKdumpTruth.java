package dev.pmemdump.cli.kdump;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the lab's real kdump must show, read without pmemdump: the pmem metadata of ground-truth.py
 * (drgn and an ELF parse of the raw /proc/vmcore copy), the NVDIMM media (the QEMU backing files:
 * the region's bytes from offset 0, the label area in the last label-size bytes), the first
 * kernel's /proc/iomem; and the records the guest leaves (hash lines, GNU time -v).
 */
final class RealKdumpTruth {
    static final long PAGE = 4096;
    private static final Pattern HASH_LINE =
            Pattern.compile("(?m)^pfn: \\[([0-9a-f]+) - ([0-9a-f]+)\\), sha256\\[[0-9a-f]+\\]: ([0-9a-f]{64})$");
    private static final Pattern PMEM = Pattern.compile("(?m)^([0-9a-f]+)-([0-9a-f]+) : Persistent Memory$");

    private RealKdumpTruth() {}

    /** Device metadata (first pfn of each range -> sha256) and RAM memmap pfns, as printed or as true. */
    record Metadata(TreeMap<Long, String> device, TreeSet<Long> ram) {
        /** The hash lines a filter run printed: device ranges start in pmem, at or past 4 GiB here. */
        static Metadata printed(String log) {
            Metadata out = new Metadata(new TreeMap<>(), new TreeSet<>());
            Matcher m = HASH_LINE.matcher(log);
            while (m.find()) {
                long start = Long.parseLong(m.group(1), 16);
                long end = Long.parseLong(m.group(2), 16);
                if (start >= 0x100000) {
                    out.device.put(start, m.group(3));
                } else {
                    for (long p = start; p < end; p++) {
                        out.ram.add(p);
                    }
                }
            }
            return out;
        }

        /** From ground-truth.py's JSON: map=dev namespaces' [ns start, data start), map=mem memmap runs. */
        static Metadata of(JsonNode truth) {
            Metadata out = new Metadata(new TreeMap<>(), new TreeSet<>());
            for (JsonNode ns : truth.get("namespaces")) {
                if (!ns.has("map")) {
                    continue;
                }
                if (ns.get("map").asText().equals("dev")) {
                    out.device.put(hex(ns, "ns_start") / PAGE, ns.get("sha256_ns_start_to_data_start").asText());
                } else {
                    for (JsonNode r : ns.get("memmap_physical_runs")) {
                        for (long pa = hex(r, "pa_start"); pa < hex(r, "pa_end"); pa += PAGE) {
                            out.ram.add(pa / PAGE);
                        }
                    }
                }
            }
            return out;
        }
    }

    static long hex(JsonNode node, String field) {
        return Long.decode(node.get(field).asText());
    }

    /** The first kernel's top-level "Persistent Memory" ranges, [start, end] inclusive, in order. */
    static List<long[]> pmemRanges(String iomem) {
        List<long[]> out = new ArrayList<>();
        Matcher m = PMEM.matcher(iomem);
        while (m.find()) {
            out.add(new long[] {Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16)});
        }
        return out;
    }

    /** {@code pmemdump.pmem=} as the load must have put it on the capture command line. */
    static String pmemParameter(List<long[]> ranges) {
        StringBuilder s = new StringBuilder("pmemdump.pmem=");
        for (long[] r : ranges) {
            s.append(s.length() > 14 ? "," : "").append("0x").append(Long.toHexString(r[0]))
                    .append("-0x").append(Long.toHexString(r[1]));
        }
        return s.toString();
    }

    /** sha256 of {@code length} bytes of a media file at {@code offset} (the dd of the device). */
    static String sha256(Path file, long offset, long length) throws IOException {
        MessageDigest d;
        try {
            d = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer b = ByteBuffer.allocate(1 << 20);
            long at = offset;
            while (at < offset + length) {
                b.clear().limit((int) Math.min(b.capacity(), offset + length - at));
                int n = ch.read(b, at);
                if (n <= 0) {
                    throw new IOException(file + ": short read at " + at);
                }
                d.update(b.flip());
                at += n;
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /**
     * The label area's first index block (the last {@code labelSize} bytes of a QEMU NVDIMM backing
     * file): "NAMESPACE_INDEX\0", then at 19 labelsize (0: 128-byte labels) and at 60/62 major/minor.
     */
    static String labelVersion(Path image, long labelSize) throws IOException {
        try (FileChannel ch = FileChannel.open(image)) {
            ByteBuffer b = ByteBuffer.allocate(72).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(b, ch.size() - labelSize);
            byte[] sig = new byte[16];
            b.get(0, sig);
            if (!new String(sig, java.nio.charset.StandardCharsets.ISO_8859_1).equals("NAMESPACE_INDEX\0")) {
                return "no index block";
            }
            return "v" + b.getShort(60) + "." + b.getShort(62) + " labels of " + (128 << b.get(19)) + " bytes";
        }
    }

    /**
     * How many times {@code needle} occurs in the PT_LOADs of an ELF core whose physical start lies
     * in one of the {@code pmem} ranges ([start, end] inclusive): pmem user data, told apart from
     * its copies in RAM (page cache, 9p buffers), which a dump keeps.
     */
    static long countInPmem(Path elf, List<long[]> pmem, byte[] needle) throws IOException {
        long n = 0;
        try (FileChannel ch = FileChannel.open(elf)) {
            ByteBuffer eh = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(eh, 0);
            long phoff = eh.getLong(0x20);
            int phentsize = Short.toUnsignedInt(eh.getShort(0x36));
            int phnum = Short.toUnsignedInt(eh.getShort(0x38));
            ByteBuffer ph = ByteBuffer.allocate(phentsize).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < phnum; i++) {
                ch.read(ph.clear(), phoff + (long) i * phentsize);
                long paddr = ph.getLong(24);
                if (ph.getInt(0) == 1 && pmem.stream().anyMatch(r -> paddr >= r[0] && paddr <= r[1])) {
                    n += count(ch, ph.getLong(8), ph.getLong(32), needle);
                }
            }
        }
        return n;
    }

    private static long count(FileChannel ch, long offset, long length, byte[] needle) throws IOException {
        long n = 0;
        ByteBuffer b = ByteBuffer.allocate((1 << 20) + needle.length);
        byte[] buf = b.array();
        int kept = 0;
        for (long at = offset; at < offset + length; ) {
            b.clear().position(kept).limit((int) Math.min(b.capacity(), kept + offset + length - at));
            int r = ch.read(b, at);
            if (r <= 0) {
                throw new IOException("short read at " + at);
            }
            at += r;
            int len = kept + r;
            for (int i = 0; i + needle.length <= len; i++) {
                if (matches(buf, i, needle)) {
                    n++;
                }
            }
            kept = Math.min(needle.length - 1, len);
            System.arraycopy(buf, len - kept, buf, 0, kept);
        }
        return n;
    }

    private static boolean matches(byte[] buf, int at, byte[] needle) {
        for (int j = 0; j < needle.length; j++) {
            if (buf[at + j] != needle[j]) {
                return false;
            }
        }
        return true;
    }

    /** "wall W, peak RSS R KiB" from a GNU time -v file (ru_maxrss, in KiB). */
    static String figures(Path timeV) throws IOException {
        String t = Files.readString(timeV);
        Matcher wall = Pattern.compile("Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\): (\\S+)").matcher(t);
        Matcher rss = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)").matcher(t);
        return "wall " + (wall.find() ? wall.group(1) : "?") + ", peak RSS " + (rss.find() ? rss.group(1) : "?") + " KiB";
    }
}
