package dev.pmemdump.vmcore.iomem;

import dev.pmemdump.io.Range;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code pmemdump.pmem=START-END[,START-END...]}: the first kernel's pmem ranges (physical, both
 * ends inside, as /proc/iomem writes them), put on the capture kernel's command line at load time.
 * The capture kernel ignores an unknown {@code name.param}; the filter reads it back from
 * {@code /proc/cmdline}, so a PT_LOAD without PF_DEV is still known to be pmem and nothing has to
 * be copied into the capture environment.
 */
public record PmemParameter(List<Range> ranges) {
    public static final String NAME = "pmemdump.pmem";
    /** Far more ranges than any machine has; bounds what a command line can make us allocate. */
    private static final int MAX_RANGES = 1024;

    public PmemParameter {
        ranges = Range.normalize(ranges);
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException(NAME + " needs at least one range");
        }
    }

    /** {@code pmemdump.pmem=0x100000000-0x11ffdffff}. */
    public String format() {
        StringBuilder sb = new StringBuilder(NAME).append('=');
        for (int i = 0; i < ranges.size(); i++) {
            Range r = ranges.get(i);
            sb.append(i == 0 ? "" : ",").append("0x").append(Long.toHexString(r.start()))
                    .append("-0x").append(Long.toHexString(r.inclusiveEnd()));
        }
        return sb.toString();
    }

    /**
     * The parameter in a kernel command line ({@code /proc/cmdline}), the last one if repeated as the
     * kernel's own parameters go; empty when absent.
     *
     * @throws IllegalArgumentException naming the parameter when its value is malformed
     */
    public static Optional<PmemParameter> fromCmdline(String cmdline) {
        String value = null;
        for (String word : cmdline.trim().split("\\s+")) {
            if (word.startsWith(NAME + "=")) {
                value = word.substring(NAME.length() + 1);
            }
        }
        if (value == null) {
            return Optional.empty();
        }
        String[] parts = value.split(",", -1);
        if (parts.length > MAX_RANGES) {
            throw new IllegalArgumentException(NAME + ": more than " + MAX_RANGES + " ranges");
        }
        List<Range> ranges = new ArrayList<>();
        for (String part : parts) {
            int dash = part.indexOf('-');
            try {
                long start = Long.decode(part.substring(0, Math.max(dash, 0)));
                long last = Long.decode(part.substring(dash + 1));
                ranges.add(Range.ofInclusive(start, last));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(NAME + ": bad range \"" + part + "\" (want START-END, e.g. "
                        + "0x100000000-0x11ffdffff)");
            }
        }
        return Optional.of(new PmemParameter(ranges));
    }
}
