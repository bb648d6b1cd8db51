package dev.pmemdump.cli.vmcore;

import dev.pmemdump.io.AtomicOutput;
import dev.pmemdump.io.InputFiles;
import dev.pmemdump.vmcore.VmcoreInfoNote;
import dev.pmemdump.vmcore.dd.DeviceDumps;
import dev.pmemdump.vmcore.elf.Note;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code pmemdump notes list|extract|add-device-dump}. */
@Command(name = "notes", mixinStandardHelpOptions = true,
        description = "List the ELF notes of a vmcore, extract device dumps (vmcoredd), add device dumps.",
        subcommands = {NotesCommand.ListNotes.class, NotesCommand.Extract.class, NotesCommand.AddDeviceDump.class})
public final class NotesCommand {

    static String describe(Note n) {
        if (DeviceDumps.isDeviceDump(n)) {
            return "NT_VMCOREDD device dump \"" + DeviceDumps.dumpName(n) + "\"";
        }
        if (VmcoreInfoNote.isVmcoreInfo(n)) {
            return "VMCOREINFO";
        }
        if (n.name().equals("CORE") && n.type() == Note.NT_PRSTATUS) {
            return "NT_PRSTATUS (registers of one CPU)";
        }
        return "type 0x" + Integer.toHexString(n.type());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List every note, in file order.")
    static final class ListNotes extends VmcoreSubcommand {
        @Mixin VmcoreArgs.Json json;

        @Override
        int run(VmcoreFile f, PrintWriter out) throws Exception {
            List<VmcoreFile.Located> notes = f.notes();
            if (json.enabled) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (VmcoreFile.Located l : notes) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("index", l.index());
                    m.put("offset", l.offset());
                    m.put("owner", l.note().name());
                    m.put("type", l.note().type());
                    m.put("size", l.note().descriptorSize());
                    if (DeviceDumps.isDeviceDump(l.note())) {
                        m.put("deviceDump", DeviceDumps.dumpName(l.note()));
                    }
                    m.put("description", describe(l.note()));
                    rows.add(m);
                }
                args.printJson(out, Map.of("notes", rows));
                return 0;
            }
            out.printf("%-5s  %-10s  %-12s  %-10s  %-10s  %s%n", "INDEX", "OFFSET", "OWNER", "TYPE", "SIZE",
                    "DESCRIPTION");
            for (VmcoreFile.Located l : notes) {
                out.printf("%-5d  0x%-8x  %-12s  0x%-8x  0x%-8x  %s%n", l.index(), l.offset(), l.note().name(),
                        l.note().type(), l.note().descriptorSize(), describe(l.note()));
            }
            return 0;
        }
    }

    @Command(name = "extract", mixinStandardHelpOptions = true,
            description = "Write a device dump's data (by name or device-dump index, like crash's dev -v) or, with "
                    + "--note, any note's descriptor to a file.")
    static final class Extract extends VmcoreSubcommand {
        @Parameters(index = "1", paramLabel = "WHICH", arity = "0..1",
                description = "device dump name or index (see notes list)") String which;
        @Option(names = "--note", paramLabel = "INDEX", description = "extract the descriptor of note INDEX instead")
        Integer noteIndex;
        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE") Path output;
        @Option(names = {"-f", "--force"}, description = "replace FILE if it exists") boolean force;

        @Override
        void validate() {
            if ((which == null) == (noteIndex == null)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "give either a device dump WHICH or --note INDEX");
            }
        }

        @Override
        int run(VmcoreFile f, PrintWriter out) throws Exception {
            if (which != null) {
                DeviceDumps.Listed l = DeviceDumps.extract(f.elf("a device dump by name"), which, output, args.outputRules(force));
                out.printf("DEVICE: %s%n%d bytes copied from 0x%x to %s%n", l.name(), l.size(), l.dataOffset(), output);
                return 0;
            }
            List<VmcoreFile.Located> notes = f.notes();
            if (noteIndex < 0 || noteIndex >= notes.size()) {
                throw new IllegalArgumentException(args.vmcore + ": no note " + noteIndex + " (it has " + notes.size()
                        + ")");
            }
            Note note = notes.get(noteIndex).note();
            AtomicOutput.write(output, args.outputRules(force), note.descriptor());
            out.printf("%d bytes of note %d (%s) written to %s%n", note.descriptorSize(), noteIndex, note.name(), output);
            return 0;
        }
    }

    @Command(name = "add-device-dump", mixinStandardHelpOptions = true,
            description = "Write a copy of VMCORE with a device dump added before the CPU notes, laid out as the "
                    + "capture kernel's vmcore_add_device_dump() does.")
    static final class AddDeviceDump extends VmcoreSubcommand {
        /** The data is held in memory whole; drivers' dumps (cxgb4, qla2xxx) are a few MiB. */
        static final long MAX_DATA_BYTES = 1L << 30;

        @Option(names = "--name", required = true, description = "dump name (at most 43 bytes)") String name;
        @Option(names = "--data", required = true, paramLabel = "FILE", description = "the device's dump data") Path data;
        @Option(names = "--page-size", defaultValue = "4096", description = "page size for padding (default 4096)")
        int pageSize;
        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE") Path output;
        @Option(names = {"-f", "--force"}, description = "replace FILE if it exists") boolean force;

        @Override
        int run(VmcoreFile f, PrintWriter out) throws Exception {
            InputFiles.check(data);
            if (Files.size(data) > MAX_DATA_BYTES) {
                throw new IllegalArgumentException(data + ": " + Files.size(data) + " bytes is more than a device dump "
                        + "can hold (" + MAX_DATA_BYTES + ")");
            }
            byte[] bytes = Files.readAllBytes(data);
            try (AtomicOutput o = AtomicOutput.create(output, args.outputRules(force, data))) {
                DeviceDumps.addToVmcore(f.elf("add-device-dump"), List.of(DeviceDumps.toNote(name, bytes, pageSize)), pageSize, o);
                o.commit();
            }
            out.printf("added device dump %s (%d bytes) to %s%n", name, bytes.length, output);
            return 0;
        }
    }
}
