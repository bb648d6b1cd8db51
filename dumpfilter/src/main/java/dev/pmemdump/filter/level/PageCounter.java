package dev.pmemdump.filter.level;

import java.util.Optional;

/**
 * One line of makedumpfile 1.7.2's report under "Excluded pages" (docs/dump-formats.md §4.5) with the RFC's
 * two pmem lines, in print order: the label it prints, the key of {@code --json-report}, and the
 * field of the scenario manifest's expected counts that predicts it (only the five counters a
 * scenario plants pages for). The one definition that the printed, JSON and HTML reports, the
 * verification's expectations and the comparison with makedumpfile's own report all use.
 */
public enum PageCounter {
    ZERO("Pages filled with zero", "zero_pages", "zero"),
    CACHE("Non-private cache pages", "non_private_cache_pages", "nonPrivateCache"),
    CACHE_PRIVATE("Private cache pages", "private_cache_pages", "privateCache"),
    USER("User process data pages", "user_pages", "user"),
    FREE("Free pages", "free_pages", "free"),
    HWPOISON("Hwpoison pages", "hwpoison_pages", null),
    OFFLINE("Offline pages", "offline_pages", null),
    PMEM_METADATA("pmem metadata pages", "pmem_metadata_pages", null),
    PMEM_USERDATA("pmem userdata pages", "pmem_userdata_pages", null);

    private final String label;
    private final String jsonKey;
    private final String manifestField;

    PageCounter(String label, String jsonKey, String manifestField) {
        this.label = label;
        this.jsonKey = jsonKey;
        this.manifestField = manifestField;
    }

    /** makedumpfile's words, e.g. "Free pages" (also the HTML report's row name). */
    public String label() {
        return label;
    }

    public String jsonKey() {
        return jsonKey;
    }

    /** The field of {@code ExpectedReport.Counts} that predicts this counter, if a scenario plants it. */
    public Optional<String> manifestField() {
        return Optional.ofNullable(manifestField);
    }

    /** True for the counters makedumpfile 1.7.2 itself prints (not the RFC's two pmem lines). */
    public boolean upstream() {
        return this != PMEM_METADATA && this != PMEM_USERDATA;
    }
}
