package dev.pmemdump.pmem.cli;

import dev.pmemdump.io.MappedImage;
import dev.pmemdump.io.MemParse;
import dev.pmemdump.pmem.MapLocation;
import dev.pmemdump.pmem.Mode;
import dev.pmemdump.pmem.Namespace;
import dev.pmemdump.pmem.PfnInfoBlock;
import dev.pmemdump.pmem.Region;
import dev.pmemdump.pmem.Uuids;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code ndctl write-infoblock [<namespace>|all] [-o FILE | -c] [-m fsdax|devdax] [-s SIZE] [-a ALIGN]
 * [-u UUID] [-M dev|mem] [-p PARENT]}: a version 1.4 pfn/dax info block at 4 KiB, zeros before it, written
 * to a namespace of the image (parent uuid: the namespace's), to a file (its size unless -s) or to
 * stdout (-c, needs -s). Defaults as ndctl: fsdax, map dev, random uuid, align 2M for files and for
 * fsdax/devdax namespaces, 4K for others.
 */
@Command(name = "write-infoblock", description = "Write a pfn/dax info block to a namespace of the image, "
        + "to -o FILE or to stdout (-c).")
final class WriteInfoblockCommand implements Callable<Integer> {
    private static final int EINVAL = 22, ENXIO = 6;

    @Spec
    CommandSpec spec;
    @Mixin
    InfoblockTarget target;
    @Option(names = {"-o", "--output"}, paramLabel = "output-file", description = "Write the info block to this file.")
    Path output;
    @Option(names = {"-c", "--stdout"}, description = "Write the info block to stdout.")
    boolean stdout;
    @Option(names = {"-m", "--mode"}, paramLabel = "operation-mode", description = "fsdax (default) or devdax.")
    String mode;
    @Option(names = {"-s", "--size"}, paramLabel = "size", description = "Size the block describes (default: the target's).")
    String size;
    @Option(names = {"-a", "--align"}, paramLabel = "align", description = "Physical alignment of the data.")
    String align;
    @Option(names = {"-u", "--uuid"}, paramLabel = "uuid", description = "Block uuid (default: random).")
    String uuid;
    @Option(names = {"-M", "--map"}, paramLabel = "memmap-location", description = "dev (default) or mem.")
    String map;
    @Option(names = {"-p", "--parent-uuid"}, paramLabel = "parent-uuid", description = "Parent namespace uuid.")
    String parent;

    @Override
    public Integer call() throws Exception {
        if (!checkOptions()) {
            return NdctlText.usage(spec);
        }
        boolean dax = mode != null && (mode.equals("devdax") || mode.equals("dax"));
        int wrote = 0;
        int errno = 0;
        try {
            if (target.args.isEmpty()) {
                errno = writeFile(dax);
                wrote = errno == 0 ? 1 : 0;
            } else {
                int n = writeNamespaces(dax);
                errno = n < 0 ? -n : 0;
                wrote = Math.max(n, 0);
            }
        } catch (IllegalArgumentException e) {
            NdctlText.error(spec, e.getMessage());
            errno = e.getMessage().startsWith("unable to satisfy") ? ENXIO : EINVAL;
        }
        if (errno != 0) {
            spec.commandLine().getErr().println("error checking infoblocks: "
                    + (errno == ENXIO ? "No such device or address" : "Invalid argument"));
        }
        spec.commandLine().getErr().println("wrote " + wrote + " infoblock" + (wrote == 1 ? "" : "s"));
        return errno == 0 ? 0 : NdctlText.errnoExit(errno);
    }

    /** parse_namespace_options' checks: each failure is an error line, then the usage. */
    private boolean checkOptions() {
        boolean ok = true;
        if (mode != null && !List.of("fsdax", "memory", "devdax", "dax").contains(mode)) {
            boolean known = List.of("raw", "sector", "safe").contains(mode);
            NdctlText.error(spec, (known ? "unsupported mode '" : "invalid mode '") + mode + "'");
            ok = false;
        }
        if (map != null && !map.equals("mem") && !map.equals("dev")) {
            NdctlText.error(spec, "invalid map location '" + map + "'");
            ok = false;
        }
        if (target.args.isEmpty() && output == null && !stdout) {
            NdctlText.error(spec, "specify a namespace to write-infoblock, or \"all\"");
            ok = false;
        }
        for (String extra : target.extra()) {
            NdctlText.error(spec, "unknown extra parameter \"" + extra + "\"");
            ok = false;
        }
        if ((output != null || stdout) && !target.args.isEmpty()) {
            NdctlText.error(spec, "specify only one of a namespace filter, --output, or --stdout");
            ok = false;
        }
        if (stdout && size == null) {
            NdctlText.error(spec, "--size required with --stdout");
            ok = false;
        }
        return ok;
    }

    private int writeFile(boolean dax) throws IOException {
        long alignment = MemParse.parse(align == null ? "2M" : align);
        if (stdout) {
            byte[] b = block(dax, MemParse.parse(size), alignment, parentUuid(null));
            System.out.write(b);
            System.out.flush();
            return 0;
        }
        // As ndctl: the file is created if missing, never truncated; its size is the default.
        try (RandomAccessFile f = new RandomAccessFile(output.toFile(), "rw")) {
            long bytes = size == null ? f.length() : MemParse.parse(size);
            byte[] b = block(dax, bytes, alignment, parentUuid(null));
            f.seek(0);
            f.write(b);
            f.getFD().sync();
        }
        return 0;
    }

    /** Returns the number of namespaces written, or minus errno. */
    private int writeNamespaces(boolean dax) throws IOException {
        boolean all = target.args.getFirst().equals("all");
        int wrote = 0;
        if (target.matchesImage()) {
            try (MappedImage m = target.img.map(true)) {
                Region r = target.img.open(m);
                for (Namespace n : r.namespaces()) {
                    if (!target.selects(n.dev())) {
                        continue;
                    }
                    long alignment = align != null ? MemParse.parse(align)
                            : n.mode() == Mode.FSDAX || n.mode() == Mode.DEVDAX ? PfnInfoBlock.COMPAT_ALIGN
                            : PfnInfoBlock.PAGE_SIZE;
                    long bytes = n.segment().byteSize();
                    if (size != null) {
                        bytes = MemParse.parse(size);
                        if (bytes % alignment != 0) {
                            NdctlText.error(spec, "--size=" + size + " not aligned to " + (align != null ? align
                                    : Long.toString(alignment)));
                            return -EINVAL;
                        }
                    }
                    byte[] b = block(dax, bytes, alignment, parentUuid(n.rawUuid()));
                    MemorySegment dst = n.segment().asSlice(0, b.length);
                    dst.copyFrom(MemorySegment.ofArray(b));
                    dst.force();
                    wrote++;
                }
            }
        }
        return wrote == 0 && !all ? -ENXIO : wrote;
    }

    private UUID parentUuid(UUID namespaceUuid) {
        if (parent != null) {
            return UUID.fromString(parent);
        }
        return namespaceUuid != null ? namespaceUuid : Uuids.NULL;
    }

    private byte[] block(boolean dax, long bytes, long alignment, UUID parentUuid) {
        MapLocation loc = MapLocation.parse(map == null ? "dev" : map);
        UUID u = uuid != null ? UUID.fromString(uuid) : UUID.randomUUID();
        return PfnInfoBlock.create(dax, u, parentUuid, loc.pfnMode(),
                PfnInfoBlock.place(0, bytes, loc.pfnMode(), alignment)).namespaceStart();
    }
}
