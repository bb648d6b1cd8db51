package dev.pmemdump.filter.result;

import dev.pmemdump.io.Range;

import java.util.Objects;

/**
 * sha256 over the raw pages of one pmem metadata pfn range, as read from the input, and where the
 * range lives: the RFC's verification line, to compare with the panic-time hash.
 */
public record MetadataHash(Range pfns, String sha256, Location location) {
    /** Where a metadata range lives; {@link #key} is the JSON report's word. */
    public enum Location {
        /** Info block and memmap on the pmem device (--map=dev). */
        DEVICE("device"),
        /** The memmap of a --map=mem namespace, in RAM. */
        RAM("ram");

        private final String key;

        Location(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    public MetadataHash {
        Objects.requireNonNull(pfns);
        Objects.requireNonNull(sha256);
        Objects.requireNonNull(location);
    }

    /** {@code pfn: [start - end), sha256[end]: hex}, the format of the RFC's debug commit. */
    public String line() {
        return "pfn: [" + Long.toHexString(pfns.start()) + " - " + Long.toHexString(pfns.end()) + "), sha256["
                + Long.toHexString(pfns.end()) + "]: " + sha256;
    }
}
