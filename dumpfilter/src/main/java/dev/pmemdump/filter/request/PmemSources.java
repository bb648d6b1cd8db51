package dev.pmemdump.filter.request;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where pmem metadata is described outside the vmcore.
 *
 * @param infoblocks --pmem-infoblock: namespace images or devices with their pfn info block
 * @param iomem      --iomem: the first kernel's /proc/iomem: its "Persistent Memory" ranges are pmem
 *                   (PF_DEV or not), its namespace entries say where info blocks are, its "Device
 *                   Backed Vmemmap" entries are metadata
 * @param cmdline    --cmdline: the capture kernel's command line, whose pmemdump.pmem= and
 *                   pmemdump.ns= (set by pmemdump loadplan kexec-load) say the same
 */
public record PmemSources(List<Infoblock> infoblocks, Optional<Path> iomem, Optional<Path> cmdline) {
    public static final PmemSources NONE = new PmemSources(List.of(), Optional.empty(), Optional.empty());

    public PmemSources {
        infoblocks = List.copyOf(infoblocks);
        Objects.requireNonNull(iomem);
        Objects.requireNonNull(cmdline);
    }

    /**
     * A namespace image or device; {@code physicalStart} is the namespace's physical start, empty for
     * the start of the vmcore's first pmem PT_LOAD.
     */
    public record Infoblock(Path path, OptionalLong physicalStart) {
        public Infoblock {
            Objects.requireNonNull(path);
            Objects.requireNonNull(physicalStart);
        }

        /** {@code PATH[@PHYS]}, as --pmem-infoblock takes it. */
        public static Infoblock parse(String spec) {
            int at = spec.lastIndexOf('@');
            return at < 0 ? new Infoblock(Path.of(spec), OptionalLong.empty())
                    : new Infoblock(Path.of(spec.substring(0, at)), OptionalLong.of(Long.decode(spec.substring(at + 1))));
        }
    }
}
