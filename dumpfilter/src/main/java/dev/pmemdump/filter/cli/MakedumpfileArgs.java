package dev.pmemdump.filter.cli;

import dev.pmemdump.filter.level.DumpLevel;
import dev.pmemdump.filter.kdump.PageCodec;
import dev.pmemdump.filter.level.MessageLevel;
import dev.pmemdump.filter.request.DmesgRequest;
import dev.pmemdump.filter.request.DumpRequest;
import dev.pmemdump.filter.request.DumpTarget;
import dev.pmemdump.filter.request.FilterRequest;
import dev.pmemdump.filter.request.MinidumpRequest;
import dev.pmemdump.filter.request.OutputFormat;
import dev.pmemdump.filter.request.PmemSources;
import dev.pmemdump.filter.request.RearrangeRequest;
import dev.pmemdump.filter.request.Reports;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * makedumpfile's command line, parsed the way its getopt_long does: grouped short options
 * ({@code -cd31}), arguments attached or separate, long options with {@code =} or a separate
 * argument and unique abbreviations, options and operands in any order, {@code --} ending options.
 *
 * @param dumpLevels   the -d list (makedumpfile retries the next on ENOSPC; we use the first)
 * @param codec        -c/-l/-p/-z
 * @param elf          -E
 * @param flatten      -F: flattened stream to stdout
 * @param rearrange    -R: rebuild DUMPFILE from a flattened stream on stdin
 * @param messageLevel --message-level (default 7)
 * @param threads      --num-threads (0 = compress in the writing thread)
 * @param split        --split: several dumpfiles
 * @param dumpDmesg    --dump-dmesg: write the kernel log
 * @param memUsage     --mem-usage: print page usage only
 * @param force        -f
 * @param jsonReport   --json-report FILE, or null
 * @param htmlReport   --html-report FILE: the run as an HTML page with a map of why each page went, or null
 * @param pmemInfoblocks --pmem-infoblock PATH (repeatable): namespace images or devices
 * @param regions      --regions SPEC, or null
 * @param iomem        --iomem FILE: a /proc/iomem listing whose "Device Backed Vmemmap" entries are metadata
 * @param operands     the file names in order
 */
public record MakedumpfileArgs(List<Integer> dumpLevels, PageCodec codec, boolean elf, boolean flatten,
                               boolean rearrange, int messageLevel, int threads, boolean split, boolean dumpDmesg,
                               boolean memUsage, boolean force, String jsonReport, String htmlReport,
                               List<String> pmemInfoblocks,
                               String regions, String iomem, List<String> operands) {

    /** Message-level bits (makedumpfile print_info.h). */
    public static final int ML_PROGRESS = MessageLevel.PROGRESS;
    public static final int ML_COMMON = MessageLevel.COMMON;
    public static final int ML_ERROR = MessageLevel.ERROR;
    public static final int ML_DEBUG = MessageLevel.DEBUG;
    public static final int ML_REPORT = MessageLevel.REPORT;
    public static final int DEFAULT_MESSAGE_LEVEL = MessageLevel.DEFAULT;
    private static final int MAX_MESSAGE_LEVEL = 31;

    /** A command line makedumpfile would refuse; the message is what it prints. */
    public static final class InvalidCommandLine extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean badValue;

        public InvalidCommandLine(String message) {
            this(message, false);
        }

        InvalidCommandLine(String message, boolean badValue) {
            super(message);
            this.badValue = badValue;
        }

        /** An option's value is out of range (makedumpfile names it alone, without the getopt lines). */
        public boolean badValue() {
            return badValue;
        }
    }

    private enum Long_ {
        MESSAGE_LEVEL("message-level", true), NUM_THREADS("num-threads", true), SPLIT("split", false),
        DUMP_DMESG("dump-dmesg", false), MEM_USAGE("mem-usage", false), JSON_REPORT("json-report", true),
        HTML_REPORT("html-report", true), PMEM_INFOBLOCK("pmem-infoblock", true), REGIONS("regions", true),
        IOMEM("iomem", true), ELF("elf-dumpfile", false),
        FLATTEN("flatten", false), REARRANGE("rearrange", false), FORCE("force", false),
        SHOW_STATS("show-stats", false), DEBUG("debug", false), HELP("help", false);

        final String name;
        final boolean hasArg;

        Long_(String name, boolean hasArg) {
            this.name = name;
            this.hasArg = hasArg;
        }
    }

    private static final Map<Character, Boolean> SHORT = Map.ofEntries(
            Map.entry('d', true), Map.entry('c', false), Map.entry('l', false), Map.entry('p', false),
            Map.entry('z', false), Map.entry('E', false), Map.entry('F', false), Map.entry('R', false),
            Map.entry('f', false), Map.entry('D', false), Map.entry('h', false));

    /** True when the command line asks for help (-h / --help). */
    public static boolean wantsHelp(List<String> argv) {
        return argv.stream().anyMatch(a -> a.equals("-h") || a.equals("--help"));
    }

    public static MakedumpfileArgs parse(List<String> argv) throws InvalidCommandLine {
        List<Integer> levels = new ArrayList<>(List.of(DumpLevel.DEFAULT));
        PageCodec codec = PageCodec.NONE;
        boolean elf = false, flatten = false, rearrange = false, split = false, dmesg = false, memUsage = false,
                force = false;
        int messageLevel = DEFAULT_MESSAGE_LEVEL;
        int threads = 0;
        boolean debug = false, stats = false;
        String json = null, html = null, regions = null, iomem = null;
        List<String> infoblocks = new ArrayList<>();
        List<String> operands = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.equals("--")) {
                operands.addAll(argv.subList(i + 1, argv.size()));
                break;
            }
            if (a.startsWith("--")) {
                String name = a.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                Long_ opt = longOption(a, name);
                if (opt.hasArg && value == null) {
                    if (i + 1 >= argv.size()) {
                        throw new InvalidCommandLine("option '--" + opt.name + "' requires an argument");
                    }
                    value = argv.get(++i);
                } else if (!opt.hasArg && value != null) {
                    throw new InvalidCommandLine("option '--" + opt.name + "' doesn't allow an argument");
                }
                switch (opt) {
                    case MESSAGE_LEVEL -> messageLevel = number(value, "Message_level", 0, MAX_MESSAGE_LEVEL);
                    case NUM_THREADS -> threads = number(value, "Num_threads", 1, 256);
                    case SPLIT -> split = true;
                    case DUMP_DMESG -> dmesg = true;
                    case MEM_USAGE -> memUsage = true;
                    case JSON_REPORT -> json = value;
                    case HTML_REPORT -> html = value;
                    case PMEM_INFOBLOCK -> infoblocks.add(value);
                    case REGIONS -> regions = value;
                    case IOMEM -> iomem = value;
                    case ELF -> elf = true;
                    case FLATTEN -> flatten = true;
                    case REARRANGE -> rearrange = true;
                    case FORCE -> force = true;
                    case SHOW_STATS -> stats = true;
                    case DEBUG -> debug = true;
                    case HELP -> { }
                }
                continue;
            }
            if (a.startsWith("-") && a.length() > 1) {
                for (int k = 1; k < a.length(); k++) {
                    char c = a.charAt(k);
                    Boolean hasArg = SHORT.get(c);
                    if (hasArg == null) {
                        throw new InvalidCommandLine("invalid option -- '" + c + "'");
                    }
                    if (hasArg) {
                        String value;
                        if (k + 1 < a.length()) {
                            value = a.substring(k + 1);
                        } else if (i + 1 < argv.size()) {
                            value = argv.get(++i);
                        } else {
                            throw new InvalidCommandLine("option requires an argument -- '" + c + "'");
                        }
                        levels = dumpLevels(value);
                        break;
                    }
                    switch (c) {
                        case 'c' -> codec = PageCodec.ZLIB;
                        case 'l' -> codec = PageCodec.LZO;
                        case 'p' -> codec = PageCodec.SNAPPY;
                        case 'z' -> codec = PageCodec.ZSTD;
                        case 'E' -> elf = true;
                        case 'F' -> flatten = true;
                        case 'R' -> rearrange = true;
                        case 'f' -> force = true;
                        case 'D' -> debug = true;
                        default -> { }
                    }
                }
                continue;
            }
            operands.add(a);
        }
        if (debug) {
            messageLevel |= ML_DEBUG;
        }
        if (stats) {
            messageLevel |= ML_REPORT;
        }
        MakedumpfileArgs args = new MakedumpfileArgs(List.copyOf(levels), codec, elf, flatten, rearrange,
                messageLevel, threads, split, dmesg, memUsage, force, json, html, List.copyOf(infoblocks), regions,
                iomem, List.copyOf(operands));
        args.check();
        return args;
    }

    /** The dump level used: the first of the -d list. */
    public int dumpLevel() {
        return dumpLevels.get(0);
    }

    /**
     * The run this command line asks for. {@code stdin} feeds -R, {@code stdout} takes -F's stream.
     *
     * @throws UnsupportedOperationException for --mem-usage, which this build does not offer
     * @throws IllegalArgumentException      for a --pmem-infoblock PHYS that is not a number
     */
    public FilterRequest toRequest(InputStream stdin, OutputStream stdout) {
        if (rearrange) {
            return new RearrangeRequest(stdin, Path.of(operands.get(0)));
        }
        if (dumpDmesg) {
            return new DmesgRequest(Path.of(operands.get(0)), Path.of(operands.get(1)));
        }
        if (memUsage) {
            throw new UnsupportedOperationException("--mem-usage is not available in this build");
        }
        Path vmcore = Path.of(operands.get(0));
        PmemSources pmem = new PmemSources(pmemInfoblocks.stream().map(PmemSources.Infoblock::parse).toList(),
                Optional.ofNullable(iomem).map(Path::of));
        Optional<Path> json = Optional.ofNullable(jsonReport).map(Path::of);
        if (regions != null) {
            return new MinidumpRequest(vmcore, regions, Path.of(operands.get(1)), pmem, json);
        }
        DumpTarget target = flatten ? new DumpTarget.Flattened(stdout) : split
                ? new DumpTarget.Split(operands.subList(1, operands.size()).stream().map(Path::of).toList())
                : new DumpTarget.File(Path.of(operands.get(1)));
        return new DumpRequest(vmcore, dumpLevel(), elf ? OutputFormat.ELF : OutputFormat.kdump(codec), target,
                threads, pmem, new Reports(json, Optional.ofNullable(htmlReport).map(Path::of)));
    }

    private void check() throws InvalidCommandLine {
        int modes = (rearrange ? 1 : 0) + (dumpDmesg ? 1 : 0) + (memUsage ? 1 : 0) + (regions != null ? 1 : 0);
        if (modes > 1) {
            throw new InvalidCommandLine("-R, --dump-dmesg, --mem-usage and --regions exclude each other");
        }
        if (htmlReport != null && modes > 0) {
            throw new InvalidCommandLine("--html-report cannot be used with -R, --dump-dmesg, --mem-usage or --regions");
        }
        if (elf && codec != PageCodec.NONE) {
            throw new InvalidCommandLine("-E cannot be used with -c, -l, -p or -z");
        }
        if (split && (elf || flatten)) {
            throw new InvalidCommandLine("--split cannot be used with -E or -F");
        }
        int want;
        if (dumpDmesg) {
            want = 2;
        } else if (rearrange) {
            want = 1;
        } else if (memUsage) {
            want = 1;
        } else if (split) {
            if (operands.size() < 3) {
                throw new InvalidCommandLine("--split needs VMCORE and at least two DUMPFILEs");
            }
            return;
        } else {
            want = flatten ? 1 : 2;
        }
        if (operands.size() != want) {
            throw new InvalidCommandLine("expected " + want + " file operand" + (want == 1 ? "" : "s") + ", got "
                    + operands.size());
        }
    }

    private static Long_ longOption(String arg, String name) throws InvalidCommandLine {
        Long_ found = null;
        for (Long_ o : Long_.values()) {
            if (o.name.equals(name)) {
                return o;
            }
            if (!name.isEmpty() && o.name.startsWith(name)) {
                if (found != null) {
                    throw new InvalidCommandLine("option '" + arg + "' is ambiguous");
                }
                found = o;
            }
        }
        if (found == null) {
            throw new InvalidCommandLine("unrecognized option '" + arg + "'");
        }
        return found;
    }

    private static List<Integer> dumpLevels(String value) throws InvalidCommandLine {
        List<Integer> out = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            out.add(number(part, "Dump_level", 0, DumpLevel.MAX_DUMP_LEVEL));
        }
        return out;
    }

    private static int number(String value, String what, int min, int max) throws InvalidCommandLine {
        try {
            int v = Integer.parseInt(value.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below, as makedumpfile does
        }
        throw new InvalidCommandLine(what + "(" + value + ") is invalid.", true);
    }
}
