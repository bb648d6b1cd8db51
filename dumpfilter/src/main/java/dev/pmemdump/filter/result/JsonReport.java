package dev.pmemdump.filter.result;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.pmemdump.filter.level.PageCounter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of a {@link FilterResult} and its metadata hashes as JSON (--json-report), named with
 * the run they come from: input, outputs, dump level, format, pmemdump version.
 */
public final class JsonReport {
    private JsonReport() {}

    /** {@code format} as the report's subtitle says it ("ELF", "kdump-compressed (pages: lzo)", ...). */
    public static byte[] of(FilterResult r, Path input, String format) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("input", input.toString());
        m.put("outputs", r.outputs());
        m.put("dump_level", r.dumpLevel());
        m.put("format", format);
        String version = JsonReport.class.getPackage().getImplementationVersion();
        m.put("pmemdump_version", version == null ? "development build" : version);
        for (ReportFigures.Figure f : ReportFigures.of(r)) {
            m.put(f.jsonKey(), f.value());
        }
        m.put("write_bytes", r.writeBytes());
        // pmem_metadata_pages counts what -d 0x20 dropped, as the printed report does; this what stayed
        long metadata = r.metadataHashes().stream().mapToLong(h -> h.pfns().length()).sum();
        m.put("pmem_metadata_pages_kept", metadata - r.counts().get(PageCounter.PMEM_METADATA));
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
