package dev.pmemdump.filter.result;

import dev.pmemdump.filter.level.PageCounts;
import dev.pmemdump.filter.report.ReportModel;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one filter run did, immutable: the figures of makedumpfile's report, the metadata hashes, the
 * files written, the phase timings and, when an HTML report was asked for, the address map. The
 * printed, JSON and HTML reports are functions of it ({@link PrintedReport}, {@link JsonReport},
 * {@link HtmlRunReport}).
 *
 * <p>{@code memoryHole} follows makedumpfile: max_mapnr minus the pages of every PT_LOAD, so pages
 * of the kernel-text PT_LOAD, which overlap a RAM PT_LOAD, count twice in "Original pages".
 *
 * @param dumpLevel      the level applied (the request's, ORed with a kdump input's stored one)
 * @param counts         pages excluded per counter
 * @param elfExcluded    pages left out of an ELF dump (-E); empty for other outputs
 * @param writeBytes     bytes written to the dump file(s) or stream
 * @param metadataHashes the RFC's line per pmem metadata range, device ranges first
 * @param outputs        what was written, as makedumpfile names it ("STDOUT" for -F)
 * @param timingsMs      milliseconds per phase (open, classify, write)
 * @param map            the physical address map, recorded only for --html-report
 * @param unreadableKept pages kept because their struct page could not be read (not counted as excluded)
 */
public record FilterResult(int dumpLevel, long maxMapnr, long memoryHole, PageCounts counts, OptionalLong elfExcluded,
                           long writeBytes, List<MetadataHash> metadataHashes, List<String> outputs,
                           Map<String, Double> timingsMs, Optional<List<ReportModel.Span>> map,
                           long unreadableKept) {
    public FilterResult {
        Objects.requireNonNull(counts);
        Objects.requireNonNull(elfExcluded);
        metadataHashes = List.copyOf(metadataHashes);
        outputs = List.copyOf(outputs);
        timingsMs = Collections.unmodifiableMap(new LinkedHashMap<>(timingsMs));   // keeps the phases' order
        map = map.map(List::copyOf);
    }

    /** A run that wrote {@code outputs} and counted no pages (--dump-dmesg, -R). */
    public static FilterResult outputsOnly(List<String> outputs) {
        return new FilterResult(0, 0, 0, PageCounts.NONE, OptionalLong.empty(), 0, List.of(), outputs, Map.of(),
                Optional.empty(), 0);
    }

    public long original() {
        return maxMapnr - memoryHole;
    }

    public long excluded() {
        return counts.excluded();
    }

    public long remaining() {
        return original() - excluded();
    }

    /** Pages kept in an ELF dump (-E), else {@link #remaining()}. */
    public long remainingInFormat() {
        return elfExcluded.isPresent() ? original() - elfExcluded.getAsLong() : remaining();
    }
}
