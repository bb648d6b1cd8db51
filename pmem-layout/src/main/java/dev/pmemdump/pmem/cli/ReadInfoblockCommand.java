package dev.pmemdump.pmem.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmemdump.io.MappedImage;
import dev.pmemdump.pmem.InfoBlockDump;
import dev.pmemdump.pmem.Namespace;
import dev.pmemdump.pmem.Region;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code ndctl read-infoblock [<namespace>|all] [-i FILE] [-o FILE] [-j] [-u] [-V]}: the first
 * 8 KiB of a namespace of the image (or of a file, or stdin), raw or as ndctl's JSON.
 */
@Command(name = "read-infoblock", description = "Dump the info block(s) of a namespace of the image (or of "
        + "-i FILE) raw, or as JSON with -j.")
final class ReadInfoblockCommand implements Callable<Integer> {
    private static final int ENOENT = 2, EIO = 5, ENXIO = 6;

    @Spec
    CommandSpec spec;
    @Mixin
    InfoblockTarget target;
    @Option(names = {"-o", "--output"}, paramLabel = "output-file", description = "Write here instead of stdout.")
    Path output;
    @Option(names = {"-i", "--input"}, paramLabel = "input-file", description = "Read this file instead of a namespace.")
    Path input;
    @Option(names = {"-V", "--verify"}, description = "Show only blocks whose checksum (and parent uuid) verify.")
    boolean verify;
    @Option(names = {"-j", "--json"}, description = "Parse the info blocks into JSON.")
    boolean json;
    @Option(names = {"-u", "--human"}, description = "Hex numbers as strings (implies --json).")
    boolean human;

    @Override
    public Integer call() throws Exception {
        for (String extra : target.extra()) {
            NdctlText.error(spec, "unknown extra parameter \"" + extra + "\"");
            return NdctlText.usage(spec);
        }
        if (input != null && !target.args.isEmpty()) {
            NdctlText.error(spec, "specify a namespace, or --input, not both");
            return NdctlText.usage(spec);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ArrayNode blocks = NdctlJson.array();
        int read = 0;
        int errno = 0;
        if (input != null || target.args.isEmpty()) {
            String name = input == null ? "<stdin>" : input.toString();
            byte[] buf = new byte[InfoBlockDump.READ_SIZE];
            try (InputStream in = input == null ? System.in : Files.newInputStream(input)) {
                if (in.readNBytes(buf, 0, buf.length) < buf.length) {
                    errno = EIO;
                }
            } catch (NoSuchFileException e) {
                errno = ENOENT;
            }
            if (errno == 0) {
                emit(out, blocks, buf, "file", name, null);
                read++;
            }
        } else {
            errno = readNamespaces(out, blocks);
            read = errno < 0 ? -errno : 0;
            errno = Math.max(errno, 0);
        }
        if ((json || human) && read > 0) {
            // ndctl builds its JSON array on the first block it parses: none read, no JSON.
            if (blocks.isEmpty()) {
                NdctlText.warning(spec, "no matching devices found");
            }
            out.write((JsonC.pretty(blocks) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        if (output != null) {
            Files.write(output, out.toByteArray());
        } else if (json || human) {
            spec.commandLine().getOut().print(out.toString(StandardCharsets.UTF_8));
            spec.commandLine().getOut().flush();
        } else {
            System.out.write(out.toByteArray());
            System.out.flush();
        }
        if (errno != 0) {
            spec.commandLine().getErr().println("error reading infoblock data: " + strerror(errno));
        }
        spec.commandLine().getErr().println("read " + read + " infoblock" + (read == 1 ? "" : "s"));
        return errno == 0 ? 0 : NdctlText.errnoExit(errno);
    }

    /** Reads the selected namespaces; returns minus the number read, or ENXIO when none matched. */
    private int readNamespaces(ByteArrayOutputStream out, ArrayNode blocks) throws IOException {
        boolean all = target.args.getFirst().equals("all");
        int read = 0;
        if (target.matchesImage()) {
            try (MappedImage m = target.img.map(false)) {
                Region r = target.img.open(m);
                for (Namespace n : r.namespaces()) {
                    if (!target.selects(n.dev())) {
                        continue;
                    }
                    byte[] buf = n.segment().asSlice(0, Math.min(n.segment().byteSize(), InfoBlockDump.READ_SIZE))
                            .toArray(ValueLayout.JAVA_BYTE);
                    if (buf.length < InfoBlockDump.READ_SIZE) {
                        continue;
                    }
                    emit(out, blocks, buf, "dev", n.dev(), n.rawUuid());
                    read++;
                }
            }
        }
        return read == 0 && !all ? ENXIO : -read;
    }

    private void emit(ByteArrayOutputStream out, ArrayNode blocks, byte[] buf, String key, String name, UUID parent) {
        if (!json && !human) {
            out.writeBytes(buf);
            return;
        }
        for (InfoBlockDump b : InfoBlockDump.scan(MemorySegment.ofArray(buf))) {
            // ndctl's parent check compares one byte (memcmp length "sizeof(uuid) != 0").
            boolean parentOk = parent == null || parent.getMostSignificantBits() == 0 && parent.getLeastSignificantBits() == 0
                    || (parent.getMostSignificantBits() >>> 56) == (b.parentUuid().getMostSignificantBits() >>> 56);
            if (verify && (!b.checksumOk() || !parentOk)) {
                continue;
            }
            blocks.add(json(b, key, name));
        }
    }

    private ObjectNode json(InfoBlockDump b, String key, String name) {
        ObjectNode o = NdctlJson.object();
        o.put(key, name);
        o.put("signature", b.signature());
        o.put("uuid", b.uuid().toString());
        o.put("parent_uuid", b.parentUuid().toString());
        hex(o, "flags", b.flags());
        o.put("version", b.version());
        for (InfoBlockDump.Field f : b.fields()) {
            if (f.kind() == InfoBlockDump.Kind.INT) {
                o.put(f.name(), (int) f.value());
            } else {
                hex(o, f.name(), f.value());
            }
        }
        return o;
    }

    /** util_json_object_hex: a number, or with --human a "%#llx" string. */
    private void hex(ObjectNode o, String name, long v) {
        if (human) {
            o.put(name, v == 0 ? "0" : "0x" + Long.toHexString(v));
        } else {
            o.put(name, v);
        }
    }

    private static String strerror(int errno) {
        return switch (errno) {
            case ENOENT -> "No such file or directory";
            case EIO -> "Input/output error";
            case ENXIO -> "No such device or address";
            default -> "error " + errno;
        };
    }
}
