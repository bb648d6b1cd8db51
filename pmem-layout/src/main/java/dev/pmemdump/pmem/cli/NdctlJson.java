package dev.pmemdump.pmem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmemdump.pmem.LabelIndex;
import dev.pmemdump.pmem.Mode;
import dev.pmemdump.pmem.Namespace;
import dev.pmemdump.pmem.NamespaceLabel;
import dev.pmemdump.pmem.PfnInfoBlock;
import dev.pmemdump.pmem.Region;
import dev.pmemdump.pmem.RegionLayout;
import dev.pmemdump.pmem.Uuids;


/**
 * The JSON objects of ndctl 76 ({@code util_namespace_to_json}, {@code region_to_json},
 * {@code util_dimm_to_json}, read-labels): same keys, key order and number formats.
 */
final class NdctlJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final long KiB = 1024, MiB = KiB * 1024, GiB = MiB * 1024, TiB = GiB * 1024;

    /** What to include, as ndctl's UTIL_JSON_* flags. */
    record Flags(boolean verbose, boolean human, boolean dax) {}

    private NdctlJson() {}

    static JsonNode size(long bytes, boolean human) {
        return human ? humanSize(bytes) : F.numberNode(bytes);
    }

    /** {@code util_json_object_size}: "%ld.%02ld MiB (%ld.%02ld MB)", or an integer below 5000 KiB. */
    static JsonNode humanSize(long bytes) {
        if (bytes < 5000 * KiB) {
            return F.numberNode(bytes);
        }
        String text;
        if (bytes < 2 * GiB) {
            text = fmt(bytes, MiB, 1_000_000L, "MiB", "MB");
        } else if (bytes < 2 * TiB) {
            text = fmt(bytes, GiB, 1_000_000_000L, "GiB", "GB");
        } else {
            text = fmt(bytes, TiB, 1_000_000_000_000L, "TiB", "TB");
        }
        return F.textNode(text);
    }

    private static String fmt(long bytes, long bin, long dec, String u1, String u2) {
        long c1 = (long) ((java.math.BigInteger.valueOf(bytes).multiply(java.math.BigInteger.valueOf(200))
                .divide(java.math.BigInteger.valueOf(bin)).longValue() + 1) / 2);
        long c2 = (bytes / (dec / 200) + 1) / 2;
        return String.format("%d.%02d %s (%d.%02d %s)", c1 / 100, c1 % 100, u1, c2 / 100, c2 % 100, u2);
    }

    static ObjectNode namespace(Namespace n, Flags f) {
        ObjectNode o = F.objectNode();
        o.put("dev", n.dev());
        o.put("mode", n.mode().ndctlName());
        if (n.map() != null) {
            o.put("map", n.map().ndctlName());
        }
        o.set("size", size(n.size(), f.human()));
        if (n.uuid() != null) {
            o.put("uuid", n.uuid().toString());
        }
        if (f.verbose() && n.rawUuid() != null && n.mode() != Mode.RAW) {
            o.put("raw_uuid", n.rawUuid().toString());
        }
        if (n.mode() == Mode.DEVDAX) {
            if (f.dax()) {
                ObjectNode region = o.putObject("daxregion");
                region.put("id", Region.REGION_ID);
                region.set("size", size(n.size(), f.human()));
                region.put("align", n.align());
                ObjectNode dev = region.putArray("devices").addObject();
                dev.put("chardev", n.chardev(Region.REGION_ID));
                dev.set("size", size(n.size(), f.human()));
                dev.put("target_node", 0);
                dev.put("align", n.align());
                dev.put("mode", "devdax");
            } else {
                o.put("chardev", n.chardev(Region.REGION_ID));
            }
        } else {
            o.put("sector_size", n.sectorSize());
        }
        if (n.mode() == Mode.FSDAX || n.mode() == Mode.DEVDAX) {
            if (n.pfn() != null) {
                o.put("align", n.align());
            }
        }
        String blockdev = n.blockdev(Region.REGION_ID);
        if (blockdev != null) {
            o.put("blockdev", blockdev);
        }
        if (!n.name().isEmpty()) {
            o.put("name", n.name());
        }
        numa(o, f);
        return o;
    }

    /** The idle seed namespace a labelled region always offers ({@code ndctl list -i}). */
    static ObjectNode seed(String dev, Flags f) {
        ObjectNode o = F.objectNode();
        o.put("dev", dev);
        o.put("mode", "raw");
        o.put("size", 0);
        o.put("uuid", Uuids.NULL.toString());
        o.put("sector_size", 512);
        o.put("state", "disabled");
        numa(o, f);
        return o;
    }

    private static void numa(ObjectNode o, Flags f) {
        if (f.verbose()) {
            o.put("numa_node", 0);
            o.put("target_node", 0);
        }
    }

    static ObjectNode region(Region r, Flags f, boolean mappings, boolean capabilities) {
        ObjectNode o = F.objectNode();
        o.put("dev", r.dev());
        o.set("size", size(r.size(), f.human()));
        o.put("align", r.align());
        o.set("available_size", size(r.availableSize(), f.human()));
        o.set("max_available_extent", size(r.maxAvailableExtent(), f.human()));
        o.put("type", "pmem");
        numa(o, f);
        if (r.labels() != null) {
            long cookie = r.isetCookie();
            if (f.human()) {
                o.put("iset_id", "0x" + Long.toHexString(cookie));
            } else {
                o.put("iset_id", cookie);
            }
        }
        if (mappings && r.layout().kind() == RegionLayout.Kind.QEMU_NVDIMM) {
            ObjectNode m = o.putArray("mappings").addObject();
            m.put("dimm", "nmem0");
            m.put("offset", 0);
            m.set("length", size(r.size(), f.human()));
            m.put("position", 0);
        }
        if (capabilities) {
            ArrayNode caps = o.putArray("capabilities");
            ObjectNode sector = caps.addObject();
            sector.put("mode", "sector");
            ArrayNode sizes = sector.putArray("sector_sizes");
            for (long s : new long[] {512, 520, 528, 4096, 4104, 4160, 4224}) {
                sizes.add(s);
            }
            for (String mode : new String[] {"fsdax", "devdax"}) {
                ObjectNode c = caps.addObject();
                c.put("mode", mode);
                ArrayNode al = c.putArray("alignments");
                for (long a : PfnInfoBlock.SUPPORTED_ALIGNMENTS) {
                    al.add(a);
                }
            }
        }
        o.put("persistence_domain", "unknown");
        return o;
    }

    /** The emulated DIMM of a QEMU NVDIMM image (QEMU's NFIT: vendor 0x8086, serial 0x00123456, handle 1). */
    static ObjectNode dimm() {
        ObjectNode o = F.objectNode();
        o.put("dev", "nmem0");
        o.put("id", "8680-56341200");
        o.put("handle", 1);
        o.put("phys_id", 0);
        return o;
    }

    static ObjectNode labelIndex(LabelIndex ix) {
        ObjectNode o = F.objectNode();
        o.put("signature", ix.signature());
        o.put("major", ix.major());
        o.put("minor", ix.minor());
        int ls = ix.declaredLabelSize();
        o.put("labelsize", ls < 0 ? 0 : ls);
        o.put("seq", Integer.toUnsignedLong(ix.seq()));
        o.put("nslot", ix.nslot());
        return o;
    }

    static ObjectNode label(NamespaceLabel l, int labelSize) {
        ObjectNode o = F.objectNode();
        o.put("uuid", l.uuid().toString());
        o.put("name", l.name());
        o.put("slot", l.slot());
        o.put("position", l.position());
        o.put("nlabel", l.nlabel());
        o.put("flags", Integer.toUnsignedLong(l.flags()));
        o.put("isetcookie", l.isetCookie());
        o.put("lbasize", l.lbaSize());
        o.put("dpa", l.dpa());
        o.put("rawsize", l.rawSize());
        if (labelSize >= 256) {
            o.put("type_guid", Uuids.guidAsStored(l.typeGuid()).toString());
            o.put("abstraction_guid", Uuids.guidAsStored(l.abstractionGuid()).toString());
        }
        return o;
    }

    static ArrayNode array() {
        return F.arrayNode();
    }

    static ObjectNode object() {
        return F.objectNode();
    }
}
