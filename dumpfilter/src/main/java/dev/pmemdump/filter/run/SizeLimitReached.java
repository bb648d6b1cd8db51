package dev.pmemdump.filter.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * -L SIZE: a dump reached its size limit. A dump file stays, cut at the limit and marked incomplete in
 * its header, as makedumpfile leaves it (every part of a --split dump is marked, and the parts that
 * fit are written whole); a flattened stream (-F) just ends there. The run fails.
 */
public final class SizeLimitReached extends IOException {
    private static final long serialVersionUID = 1L;
    private static final String STDOUT = "STDOUT";

    /** makedumpfile's line for each write that hit the limit, in order. */
    private final List<String> cuts;
    /** Dump files, not a stream: makedumpfile then says they are incomplete (even on a dry run, which marks nothing). */
    private final boolean files;

    private SizeLimitReached(List<String> cuts, boolean files) {
        super(cuts.getFirst());
        this.cuts = List.copyOf(cuts);
        this.files = files;
    }

    SizeLimitReached(Path file, long limit) {
        this(List.of(line(file.toString(), limit)), true);
    }

    /**
     * The flattened stream on standard output hit the limit; makedumpfile reports it {@code times} times
     * (twice when the write it cut was a page write: it then retries the page_desc buffer).
     */
    static SizeLimitReached onStream(long limit, int times) {
        List<String> cuts = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            cuts.add(line(STDOUT, limit));
        }
        return new SizeLimitReached(cuts, false);
    }

    /** This and {@code other} (a later --split part that hit the limit too). */
    SizeLimitReached and(SizeLimitReached other) {
        List<String> all = new ArrayList<>(cuts);
        all.addAll(other.cuts);
        return new SizeLimitReached(all, files);
    }

    /** What makedumpfile prints when the run stops: each cut, then the incomplete-dump line for files. */
    public String report() {
        StringBuilder b = new StringBuilder();
        for (String cut : cuts) {
            b.append('\n').append(cut).append('\n');
        }
        return files ? b.append("This is an incomplete dumpfile, but might analyzable.\n").toString() : b.toString();
    }

    private static String line(String file, long limit) {
        return "Can't write the dump file(" + file + "). Size limit(" + Long.toUnsignedString(limit) + ") reached.";
    }
}
