package dev.pmemdump.filter.result;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pmemdump.filter.level.PageCounter;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The figures of a {@link FilterResult} and its metadata hashes as JSON (--json-report). */
public final class JsonReport {
    private JsonReport() {}

    public static byte[] of(FilterResult r) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("original_pages", r.original());
        m.put("excluded_pages", r.excluded());
        r.elfExcluded().ifPresent(n -> m.put("excluded_pages_elf", n));
        for (PageCounter c : PageCounter.values()) {
            m.put(c.jsonKey(), r.counts().get(c));
        }
        m.put("remaining_pages", r.remaining());
        if (r.elfExcluded().isPresent()) {
            m.put("remaining_pages_elf", r.remainingInFormat());
        }
        m.put("memory_hole", r.memoryHole());
        m.put("total_pages", r.maxMapnr());
        m.put("write_bytes", r.writeBytes());
        m.put("pmem_metadata_ranges", r.metadataHashes().stream().map(h -> new JsonRange(h.pfns().start(),
                h.pfns().end(), h.sha256(), h.location().key())).toList());
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(m);
    }

    private record JsonRange(@JsonProperty("start_pfn") long startPfn, @JsonProperty("end_pfn") long endPfn,
                             @JsonProperty("sha256") String sha256, @JsonProperty("location") String location) {}
}
