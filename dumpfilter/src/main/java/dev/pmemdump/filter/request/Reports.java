package dev.pmemdump.filter.request;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/** The report files a run writes besides makedumpfile's printed report: --json-report, --html-report. */
public record Reports(Optional<Path> json, Optional<Path> html) {
    public static final Reports NONE = new Reports(Optional.empty(), Optional.empty());

    public Reports {
        Objects.requireNonNull(json);
        Objects.requireNonNull(html);
    }
}
