package dev.pmemdump.filter;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pmemdump.filter.report.SpanRecorder;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The page counts of one filtering run, printed as makedumpfile 1.7.2's {@code print_report()}
 * does (docs/dump-formats.md §4.5) with the RFC's two pmem lines, and as JSON.
 *
 * <p>{@code memoryHole} follows makedumpfile: max_mapnr minus the pages of every PT_LOAD, so pages
 * of the kernel-text PT_LOAD, which overlap a RAM PT_LOAD, count twice in "Original pages".
 */
public final class FilterReport {
    public long maxMapnr;
    public long memoryHole;
    public long zero;
    public long cache;
    public long cachePrivate;
    public long user;
    public long free;
    public long hwpoison;
    public long offline;
    public long pmemMetadata;
    public long pmemUserdata;
    /** Pages left out of an ELF dump (-E), -1 for kdump output. */
    public long elfExcluded = -1;
    public long writeBytes;
    /** Where each excluded page went, for --html-report; null (nothing recorded) otherwise. */
    public SpanRecorder spans;
    /** The RFC's verification line per pmem metadata range. */
    public final List<MetadataHash> metadataHashes = new ArrayList<>();

    /**
     * sha256 over the raw pages of one pmem metadata range {@code [startPfn, endPfn)}, and where it
     * lives: {@link #DEVICE} (info block and on-device memmap) or {@link #RAM} (memmap in RAM).
     */
    public record MetadataHash(long startPfn, long endPfn, String sha256, String location) {
        public static final String DEVICE = "device";
        public static final String RAM = "ram";

        /** {@code pfn: [start - end), sha256[end]: hex}, the format of the RFC's debug commit. */
        public String line() {
            return "pfn: [" + Long.toHexString(startPfn) + " - " + Long.toHexString(endPfn) + "), sha256["
                    + Long.toHexString(endPfn) + "]: " + sha256;
        }
    }

    public long original() {
        return maxMapnr - memoryHole;
    }

    public long excluded() {
        return zero + cache + cachePrivate + user + free + hwpoison + offline + pmemMetadata + pmemUserdata;
    }

    public long remaining() {
        return original() - excluded();
    }

    /** The report lines, from "Original pages" to "Write bytes". */
    public void print(PrintWriter out) {
        boolean elf = elfExcluded >= 0;
        out.printf("Original pages  : 0x%016x%n", original());
        out.printf("  Excluded pages   : 0x%016x%n", excluded());
        if (elf) {
            out.printf("     in ELF format : 0x%016x%n", elfExcluded);
        }
        out.printf("    Pages filled with zero  : 0x%016x%n", zero);
        out.printf("    Non-private cache pages : 0x%016x%n", cache);
        out.printf("    Private cache pages     : 0x%016x%n", cachePrivate);
        out.printf("    User process data pages : 0x%016x%n", user);
        out.printf("    Free pages              : 0x%016x%n", free);
        out.printf("    Hwpoison pages          : 0x%016x%n", hwpoison);
        out.printf("    Offline pages           : 0x%016x%n", offline);
        out.printf("    pmem metadata pages     : 0x%016x%n", pmemMetadata);
        out.printf("    pmem userdata pages     : 0x%016x%n", pmemUserdata);
        out.printf("  Remaining pages  : 0x%016x%n", remaining());
        long kept = remaining();
        if (elf) {
            kept = original() - elfExcluded;
            out.printf("     in ELF format : 0x%016x%n", kept);
        }
        long shrinking = original() == 0 ? 0 : kept * 100 / original();
        out.printf("  (The number of pages is reduced to %d%%.)%n", shrinking);
        out.printf("Memory Hole     : 0x%016x%n", memoryHole);
        out.println("--------------------------------------------------");
        out.printf("Total pages     : 0x%016x%n", maxMapnr);
        out.printf("Write bytes     : %d%n", writeBytes);
    }

    /** The same figures as JSON (--json-report). */
    public byte[] toJson() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("original_pages", original());
        m.put("excluded_pages", excluded());
        if (elfExcluded >= 0) {
            m.put("excluded_pages_elf", elfExcluded);
        }
        m.put("zero_pages", zero);
        m.put("non_private_cache_pages", cache);
        m.put("private_cache_pages", cachePrivate);
        m.put("user_pages", user);
        m.put("free_pages", free);
        m.put("hwpoison_pages", hwpoison);
        m.put("offline_pages", offline);
        m.put("pmem_metadata_pages", pmemMetadata);
        m.put("pmem_userdata_pages", pmemUserdata);
        m.put("remaining_pages", remaining());
        if (elfExcluded >= 0) {
            m.put("remaining_pages_elf", original() - elfExcluded);
        }
        m.put("memory_hole", memoryHole);
        m.put("total_pages", maxMapnr);
        m.put("write_bytes", writeBytes);
        m.put("pmem_metadata_ranges", metadataHashes.stream().map(h -> new JsonRange(h.startPfn, h.endPfn,
                h.sha256, h.location)).toList());
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(m);
    }

    private record JsonRange(@JsonProperty("start_pfn") long startPfn, @JsonProperty("end_pfn") long endPfn,
                             @JsonProperty("sha256") String sha256, @JsonProperty("location") String location) {}
}
