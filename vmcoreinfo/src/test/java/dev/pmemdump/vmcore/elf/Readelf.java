package dev.pmemdump.vmcore.elf;

import dev.pmemdump.testing.Tools;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What binutils readelf prints for {@code -h -l -n}, parsed into the few facts tests compare: the
 * program headers and the note list. Handles both the wrapped and the {@code -W} layout.
 */
final class Readelf {

    record Phdr(String type, long offset, long vaddr, long paddr, long filesz, long memsz, String flags, long align) {
        static Phdr of(ProgramHeader ph) {
            String f = ((ph.flags() & ProgramHeader.PF_R) != 0 ? "R" : "") + ((ph.flags() & ProgramHeader.PF_W) != 0 ? "W" : "")
                    + ((ph.flags() & ProgramHeader.PF_X) != 0 ? "E" : "");
            return new Phdr(ph.typeName(), ph.offset(), ph.vaddr(), ph.paddr(), ph.filesz(), ph.memsz(), f, ph.align());
        }
    }

    record NoteLine(String owner, long size, String description) {
        static NoteLine of(Note n) {
            String d = n.name().equals("CORE") && n.type() == Note.NT_PRSTATUS ? "NT_PRSTATUS (prstatus structure)"
                    : String.format("Unknown note type: (0x%08x)", n.type());
            return new NoteLine(n.name(), n.descriptorSize(), d);
        }
    }

    final List<Phdr> phdrs = new ArrayList<>();
    final List<NoteLine> notes = new ArrayList<>();
    final List<String> header = new ArrayList<>();

    static Readelf run(Path file, String... opts) {
        Path readelf = Tools.require("readelf");
        List<String> cmd = new ArrayList<>(List.of(readelf.toString()));
        cmd.addAll(List.of(opts));
        cmd.add(file.toString());
        Tools.Run r = Tools.run(cmd, null, 60).assertOk();
        if (!r.stderr().isBlank()) {
            throw new AssertionError("readelf warned on " + file + ":\n" + r.stderr());
        }
        if (r.stdout().contains("Warning") || r.stdout().contains("rror")) {
            throw new AssertionError("readelf output has a warning:\n" + r.stdout());
        }
        return parse(r.stdout());
    }

    static Readelf parse(String text) {
        Readelf out = new Readelf();
        String section = "";
        List<String> pending = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("ELF Header:")) {
                section = "h";
                continue;
            } else if (line.startsWith("Program Headers:")) {
                section = "l";
                continue;
            } else if (line.startsWith("Displaying notes")) {
                section = "n";
                continue;
            } else if (line.isBlank()) {
                if (section.equals("l")) {
                    flush(out, pending);
                }
                section = section.equals("h") || section.equals("l") ? "" : section;
                continue;
            }
            String t = line.trim();
            switch (section) {
                case "h" -> out.header.add(t);
                case "l" -> {
                    if (t.startsWith("Type") || t.startsWith("FileSiz")) {
                        continue;
                    }
                    if (!t.startsWith("0x")) {
                        flush(out, pending);
                    }
                    pending.add(t);
                }
                case "n" -> {
                    if (t.startsWith("Owner") || t.startsWith("description data")) {
                        continue;
                    }
                    String[] p = t.split("\\s+", 3);
                    // -W puts the hex dump of unknown notes on the same line
                    String description = p[2].split("description data:")[0].trim();
                    out.notes.add(new NoteLine(p[0], Long.decode(p[1]), description));
                }
                default -> { }
            }
        }
        flush(out, pending);
        return out;
    }

    private static void flush(Readelf out, List<String> pending) {
        if (pending.isEmpty()) {
            return;
        }
        String[] tok = String.join(" ", pending).trim().split("\\s+");
        pending.clear();
        List<Long> nums = new ArrayList<>();
        StringBuilder flags = new StringBuilder();
        for (int i = 1; i < tok.length; i++) {
            if (tok[i].startsWith("0x")) {
                nums.add(Long.parseUnsignedLong(tok[i].substring(2), 16));
            } else if (tok[i].matches("\\d+")) {
                nums.add(Long.parseLong(tok[i])); // -W prints an alignment of 0 as "0"
            } else {
                flags.append(tok[i]);
            }
        }
        out.phdrs.add(new Phdr(tok[0], nums.get(0), nums.get(1), nums.get(2), nums.get(3), nums.get(4),
                flags.toString(), nums.get(5)));
    }

    /** The value of a header line such as "Machine:". */
    String header(String key) {
        return header.stream().filter(l -> l.startsWith(key)).findFirst()
                .map(l -> l.substring(key.length()).trim()).orElseThrow(() -> new AssertionError("no " + key));
    }
}
