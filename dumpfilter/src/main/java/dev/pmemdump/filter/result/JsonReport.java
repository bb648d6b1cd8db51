package dev.pmemdump.filter.result;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The figures of a {@link FilterResult} and its metadata hashes as JSON (--json-report). */
public final class JsonReport {
    private JsonReport() {}

    public static byte[] of(FilterResult r) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        for (ReportFigures.Figure f : ReportFigures.of(r)) {
            m.put(f.jsonKey(), f.value());
        }
        m.put("write_bytes", r.writeBytes());
        if (r.unreadableKept() > 0) {
            // only when it happened: the report of an ordinary run stays as it was
            m.put("kept_unreadable_struct_page_pages", r.unreadableKept());
        }
        m.put("pmem_metadata_ranges", r.metadataHashes().stream().map(h -> new JsonRange(h.pfns().start(),
                h.pfns().end(), h.sha256(), h.location().key())).toList());
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(m);
    }

    private record JsonRange(@JsonProperty("start_pfn") long startPfn, @JsonProperty("end_pfn") long endPfn,
                             @JsonProperty("sha256") String sha256, @JsonProperty("location") String location) {}
}
