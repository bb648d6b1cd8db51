package dev.pmemdump.pmem;

import dev.pmemdump.io.Range;

import dev.pmemdump.io.Bytes;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.MappedImage;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * One pmem region in an image file ({@code region0}), its label area and its namespaces,
 * assembled the way Linux assembles them: live labels of the current index, in DPA order, each
 * probed for a btt, pfn or dax info block; a region without index blocks holds one label-less
 * namespace spanning all of it.
 *
 * <p>Changes ({@link #initLabels}, {@link #create}, {@link #destroy}, {@link #reconfigure})
 * need an image mapped read-write and write in the kernel's order, so an interruption leaves
 * either the old or the new set of namespaces.
 */
public final class Region {
    /** {@code MEMREMAP_COMPAT_ALIGN_MAX}: the region alignment for regions of 16 MiB and more. */
    public static final long DEFAULT_ALIGN = 16 * Bytes.MiB;
    /** Smallest namespace that can host a btt, pfn or dax personality. */
    public static final long MIN_CLAIM_SIZE = 16 * Bytes.MiB;
    public static final int REGION_ID = 0;

    private final MappedImage image;
    private final RegionLayout layout;
    private final String resource;
    private final long size;
    private final MediaWriter writer;
    private LabelArea labels;
    private List<Namespace> namespaces;

    private Region(MappedImage image, RegionLayout layout) {
        this.image = image;
        this.layout = layout;
        this.resource = image.path().toString();
        this.size = layout.regionSize(image.size());
        this.writer = new MediaWriter(image);
    }

    /** Opens the region of {@code image} laid out as {@code layout}; validates everything it reads. */
    public static Region open(MappedImage image, RegionLayout layout) throws IOException {
        String res = image.path().toString();
        if (image.size() % PfnInfoBlock.PAGE_SIZE != 0) {
            // Region images (QEMU memory backends, memmap= ranges) are whole pages.
            throw new CorruptInputException(res, image.size(), "image size 0x" + Long.toHexString(image.size())
                    + " is not a multiple of 4 KiB: truncated?");
        }
        if (layout.labelSize() < 0 || layout.labelSize() >= image.size()) {
            throw new CorruptInputException(res, 0, "label area of 0x" + Long.toHexString(layout.labelSize())
                    + " bytes does not fit the image (size 0x" + Long.toHexString(image.size()) + ")");
        }
        if (layout.hasLabels() && layout.labelSize() < 1024) {
            throw new IllegalArgumentException("label size " + layout.labelSize()
                    + " below the minimum of 1024 bytes (two index blocks and two labels)");
        }
        Region r = new Region(image, layout);
        r.reload();
        return r;
    }

    private void reload() throws IOException {
        labels = null;
        if (layout.hasLabels()) {
            long at = layout.labelOffset(image.size());
            labels = LabelArea.open(resource, at, image.slice(at, layout.labelSize(), "label storage area"));
        }
        NamespaceAssembly scan = new NamespaceAssembly(resource, image, layout, size);
        namespaces = labels == null ? List.of(scan.labelLess()) : scan.fromLabels(labels, isetCookie());
    }

    public MappedImage image() {
        return image;
    }

    public RegionLayout layout() {
        return layout;
    }

    public String dev() {
        return "region" + REGION_ID;
    }

    /** Bytes of the region. */
    public long size() {
        return size;
    }

    /** {@code default_align()}: 16 MiB, or a page for regions smaller than that. */
    public long align() {
        return size < DEFAULT_ALIGN ? PfnInfoBlock.PAGE_SIZE : DEFAULT_ALIGN;
    }

    /** The label area, or null for a label-less region. */
    public LabelArea labels() {
        return labels;
    }

    /** The interleave-set cookie the labels of this region must carry (0 when label-less). */
    public long isetCookie() {
        if (labels == null) {
            return 0;
        }
        return labels.labelSize() < 256 ? layout.cookie1() : layout.cookie2();
    }

    /** Namespaces in id order. */
    public List<Namespace> namespaces() {
        return namespaces;
    }

    /** Physical address of a namespace's first byte ({@code nsio->res.start}). */
    public long physAddress(Namespace n) {
        return layout.physStart() + n.offset();
    }

    /** The namespace named {@code dev} ("namespace0.1"), or an IllegalArgumentException. */
    public Namespace namespace(String dev) {
        return namespaces.stream().filter(n -> n.dev().equals(dev)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(dev + ": no such namespace in " + dev()));
    }

    /** Free DPA ranges [start, end) between labelled namespaces. */
    private List<Range> gaps() {
        List<Range> out = new ArrayList<>();
        if (labels == null) {
            return out;
        }
        long pos = 0;
        for (Namespace n : namespaces.stream().sorted(Comparator.comparingLong(Namespace::offset)).toList()) {
            if (n.offset() > pos) {
                out.add(new Range(pos, n.offset()));
            }
            pos = Math.max(pos, n.offset() + n.rawSize());
        }
        if (pos < size) {
            out.add(new Range(pos, size));
        }
        return out;
    }

    private long usable(Range gap) {
        long start = alignUp(gap.start(), align());
        return start >= gap.end() ? 0 : (gap.end() - start) & -align();
    }

    /** sysfs {@code available_size}: free capacity usable for new namespaces. */
    public long availableSize() {
        return gaps().stream().mapToLong(this::usable).sum();
    }

    /** sysfs {@code max_available_extent}. */
    public long maxAvailableExtent() {
        return gaps().stream().mapToLong(this::usable).max().orElse(0);
    }

    private static long alignUp(long v, long a) {
        return (v + a - 1) & -a;
    }

    // ---------------------------------------------------------------- writing

    /** {@code ndctl init-labels -V version}: fresh index blocks, every slot free. */
    public void initLabels(String version) throws IOException {
        if (!layout.hasLabels()) {
            throw new IllegalArgumentException(resource + ": a legacy e820 region has no label area");
        }
        int labelSize = switch (version) {
            case "1.1" -> 128;
            case "1.2" -> 256;
            default -> throw new IllegalArgumentException("invalid label version '" + version + "' (1.1 or 1.2)");
        };
        LabelArea.initialize(writer, layout.labelOffset(image.size()), layout.labelSize(), labelSize);
        reload();
    }

    /** Creates a namespace in the first free extent that fits, as the kernel allocates DPA. */
    public Namespace create(NamespaceSpec spec) throws IOException {
        if (labels == null) {
            throw new IllegalArgumentException(dev() + ": label-less region: reconfigure namespace0.0 with -e, "
                    + "or run init-labels first");
        }
        Mode mode = spec.mode() == null ? Mode.FSDAX : spec.mode();
        long align = checkOptions(mode, spec);
        long want = spec.size();
        if (want == 0) {
            want = maxAvailableExtent();
            if (want == 0) {
                throw new IllegalArgumentException(dev() + ": no available capacity");
            }
        }
        long unit = Math.max(align(), mode == Mode.FSDAX || mode == Mode.DEVDAX ? align : 0);
        if (want % unit != 0) {
            long up = alignUp(want, unit);
            throw new IllegalArgumentException("'--size=' must align to interleave-width: 1 and alignment: " + unit
                    + ", did you intend --size=" + human(up) + "?");
        }
        if (mode != Mode.RAW && want < MIN_CLAIM_SIZE) {
            throw new IllegalArgumentException("'--size=' must be >= 16MiB for '" + mode.ndctlName() + "' mode");
        }
        long dpa = -1;
        for (Range g : gaps()) {
            long start = alignUp(g.start(), align());
            if (start < g.end() && g.end() - start >= want) {
                dpa = start;
                break;
            }
        }
        if (dpa < 0) {
            throw new IllegalArgumentException(dev() + ": insufficient capacity for size " + want
                    + " (max available extent " + maxAvailableExtent() + ")");
        }
        return write(mode, spec, align, dpa, want, List.of());
    }

    /**
     * Writes the labels of a namespace at {@code dpa} ({@code reap}: slots of the namespace it
     * replaces, freed by the same index update), then its personality.
     */
    private Namespace write(Mode mode, NamespaceSpec spec, long align, long dpa, long want, List<Long> reap)
            throws IOException {
        UUID uuid = spec.uuid() == null ? UUID.randomUUID() : spec.uuid();
        if (namespaces.stream().anyMatch(n -> uuid.equals(n.rawUuid()) && !reap.contains(n.label().slot()))) {
            throw new IllegalArgumentException("uuid " + uuid + " already in use in " + dev());
        }
        long lbaSize = spec.sectorSize() == 0 ? (mode == Mode.SECTOR ? 4096 : 512) : spec.sectorSize();
        long nsLba = lbaSize == 512 || lbaSize == 4096 ? lbaSize : 512;
        UUID claim = labels.labelSize() < 256 ? null : switch (mode) {
            case FSDAX -> NamespaceLabel.PFN_GUID;
            case DEVDAX -> NamespaceLabel.DAX_GUID;
            case SECTOR -> NamespaceLabel.BTT2_GUID;
            case RAW -> Uuids.NULL;
        };
        NamespaceLabel label = NamespaceLabel.forPmem(uuid, spec.name(), NamespaceLabel.FLAG_UPDATING, isetCookie(),
                nsLba, dpa, want, claim);
        // The personality goes first, into space no current label covers: the label update that
        // makes the namespace visible is the last write, so a crash never shows it without its
        // info block (the kernel and ndctl write labels first and can leave a raw namespace).
        writePersonality(mode, spec, align, dpa, want, uuid, lbaSize);
        // Two updates as __pmem_label_update does them: with UPDATING set, then cleared.
        labels.update(writer, label, reap);
        List<Long> first = labels.slotsOf(uuid);
        labels.update(writer, label.withSlotAndFlags(0, 0), first);
        reload();
        return namespaces.stream().filter(n -> uuid.equals(n.rawUuid())).findFirst().orElseThrow();
    }

    /** Validates ndctl's option rules; returns the pfn alignment to use. */
    private static long checkOptions(Mode mode, NamespaceSpec spec) {
        boolean pfn = mode == Mode.FSDAX || mode == Mode.DEVDAX;
        if (spec.map() != null && !pfn) {
            throw new IllegalArgumentException("--map only valid for fsdax or devdax mode");
        }
        if (spec.align() != 0 && !pfn) {
            throw new IllegalArgumentException("--align only valid for fsdax or devdax mode");
        }
        long align = spec.align() == 0 ? 2 * Bytes.MiB : spec.align();
        if (Long.bitCount(align) != 1 || align < PfnInfoBlock.PAGE_SIZE) {
            throw new IllegalArgumentException("align must be a power of 2 >= " + PfnInfoBlock.PAGE_SIZE);
        }
        if (pfn && !PfnInfoBlock.supported(align)) {
            throw new IllegalArgumentException("align: " + align + " not supported (4096, 2097152, 1073741824)");
        }
        if (spec.sectorSize() != 0 && mode != Mode.SECTOR && spec.sectorSize() != 512 && spec.sectorSize() != 4096) {
            throw new IllegalArgumentException("sector_size: " + spec.sectorSize() + " not supported");
        }
        if (mode == Mode.SECTOR && spec.sectorSize() != 0
                && !List.of(512L, 520L, 528L, 4096L, 4104L, 4160L, 4224L).contains(spec.sectorSize())) {
            throw new IllegalArgumentException("sector_size: " + spec.sectorSize() + " not supported by btt");
        }
        return align;
    }

    private void writePersonality(Mode mode, NamespaceSpec spec, long align, long off, long rawSize, UUID parent,
                                  long lbaSize) throws IOException {
        writer.zero(off, PfnInfoBlock.INFO_RESERVE);
        UUID pu = spec.personalityUuid() == null ? UUID.randomUUID() : spec.personalityUuid();
        switch (mode) {
            case FSDAX, DEVDAX -> {
                MapLocation map = spec.map() == null ? MapLocation.DEV : spec.map();
                PfnInfoBlock.Placement p = PfnInfoBlock.place(layout.physStart() + off, rawSize, map.pfnMode(), align);
                PfnInfoBlock ib = PfnInfoBlock.create(mode == Mode.DEVDAX, pu, parent, map.pfnMode(), p);
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment b = arena.allocate(InfoBlock.SIZE);
                    ib.encode(b);
                    writer.write(off + PfnInfoBlock.NAMESPACE_OFFSET, b);
                }
            }
            case SECTOR -> {
                boolean v2 = labels != null && labels.labelSize() >= 256;
                long bttOff = v2 ? BttInfoBlock.BTT2_OFFSET : BttInfoBlock.BTT1_OFFSET;
                Btt.format(writer, off + bttOff, rawSize - bttOff, lbaSize, pu, parent, v2 ? 2 : 1, v2 ? 0 : 1);
            }
            case RAW -> { }
        }
    }

    /**
     * {@code ndctl destroy-namespace}: (labelled) frees the namespace's label slots with one index
     * update, then zeroes the info-block reserve, now free space: a crash in between leaves the
     * namespace gone, never shown raw. A label-less namespace keeps its space; only its info block goes.
     */
    public void destroy(Namespace ns) throws IOException {
        if (ns.label() != null) {
            labels.update(writer, null, labels.slotsOf(ns.rawUuid()));
        }
        writer.zero(ns.offset(), Math.min(PfnInfoBlock.INFO_RESERVE, ns.rawSize()));
        reload();
    }

    /**
     * {@code ndctl create-namespace -e}: a labelled namespace keeps its place and size and gets a new
     * label (new uuid) and personality; asking for another size destroys it and creates a new one
     * (as ndctl does). A label-less namespace only gets its info block rewritten.
     */
    public Namespace reconfigure(Namespace ns, NamespaceSpec spec) throws IOException {
        Mode mode = spec.mode() == null ? Mode.FSDAX : spec.mode();
        if (spec.align() == 0 && mode == ns.mode() && (mode == Mode.FSDAX || mode == Mode.DEVDAX)) {
            // ndctl keeps the alignment when the mode stays; a legacy "memory" namespace has none: a page.
            spec = spec.withAlign(ns.pfn() != null ? ns.align() : PfnInfoBlock.PAGE_SIZE);
        }
        if (ns.label() != null) {
            if (spec.size() != 0 && spec.size() != ns.rawSize()) {
                destroy(ns);
                return create(spec);
            }
            // Same place, same size: the new label replaces the old one in a single index update,
            // after the old info blocks are gone, so an interruption leaves one or the other.
            long align = checkOptions(mode, spec);
            if (mode != Mode.RAW && ns.rawSize() < MIN_CLAIM_SIZE) {
                throw new IllegalArgumentException(ns.dev() + " too small to host " + mode.ndctlName());
            }
            writer.zero(ns.offset(), Math.min(PfnInfoBlock.INFO_RESERVE, ns.rawSize()));
            return write(mode, spec, align, ns.offset(), ns.rawSize(), labels.slotsOf(ns.rawUuid()));
        }
        if (spec.size() != 0 && spec.size() != ns.rawSize()) {
            throw new IllegalArgumentException("Legacy / label-less namespaces do not support sub-dividing a region");
        }
        long align = checkOptions(mode, spec);
        if (mode != Mode.RAW && ns.rawSize() < MIN_CLAIM_SIZE) {
            throw new IllegalArgumentException(ns.dev() + " too small to host " + mode.ndctlName());
        }
        long lba = spec.sectorSize() == 0 ? (mode == Mode.SECTOR ? 4096 : 512) : spec.sectorSize();
        writePersonality(mode, spec, align, ns.offset(), ns.rawSize(), Uuids.NULL, lba);
        reload();
        return namespaces.get(0);
    }

    /** Test hook: lets only the next {@code n} media writes happen, then fails like a power cut. */
    void crashAfterWrites(long n) {
        writer.crashAfter(n);
    }

    /** Size as ndctl's --size suggestion prints it (e.g. 144M). */
    private static String human(long bytes) {
        String[] units = {"", "K", "M", "G", "T"};
        int u = 0;
        while (u < units.length - 1 && bytes % 1024 == 0 && bytes >= 1024) {
            bytes /= 1024;
            u++;
        }
        return bytes + units[u];
    }
}
