package dev.pmemdump.filter.cli;

import dev.pmemdump.filter.level.DumpLevel;
import dev.pmemdump.filter.cli.MakedumpfileArgs.InvalidCommandLine.Kind;
import dev.pmemdump.filter.kdump.PageCodec;
import dev.pmemdump.filter.level.MessageLevel;
import dev.pmemdump.io.ReadMethod;
import dev.pmemdump.filter.request.DmesgRequest;
import dev.pmemdump.filter.request.DumpRequest;
import dev.pmemdump.filter.request.DumpTarget;
import dev.pmemdump.filter.request.FilterRequest;
import dev.pmemdump.filter.request.MinidumpRequest;
import dev.pmemdump.filter.request.OutputFormat;
import dev.pmemdump.filter.request.PmemSources;
import dev.pmemdump.filter.request.RearrangeRequest;
import dev.pmemdump.filter.request.ReassembleRequest;
import dev.pmemdump.filter.request.Reports;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * makedumpfile 1.7.2's command line, parsed and checked as it does (getopt_long in {@link Getopt},
 * C number parsing in {@link CNumbers}, then its parameter checks for the mode), plus pmemdump's own
 * options ({@link Extensions}).
 *
 * @param action       what the command line asks: run, only check (--check-params), help, version
 * @param mode         which of makedumpfile's jobs
 * @param dumpLevels   the -d list (makedumpfile retries the next on ENOSPC; we use the first)
 * @param codec        -c/-l/-p/-z
 * @param elf          -E
 * @param flatten      -F: flattened stream to stdout
 * @param split        --split: several dumpfiles
 * @param messageLevel --message-level (default 7), with -D and --show-stats
 * @param numThreads   --num-threads as makedumpfile reads it (atoi: any int; 0 = none)
 * @param force        -f
 * @param dryRun       --dry-run: do everything but write the dumpfile
 * @param partialDmesg --partial-dmesg: with --dump-dmesg, only the log since the last dmesg -c
 * @param sizeLimit    -L SIZE in bytes (unsigned), or 0 when not given
 * @param splitblockSize --splitblock-size in bytes (given in KiB; 0 or absent: makedumpfile's default 1 GiB)
 * @param tuning       options that only tune makedumpfile's own memory use
 * @param extensions   pmemdump's own options
 * @param operands     the file names in order
 */
public record MakedumpfileArgs(Action action, Mode mode, List<Integer> dumpLevels, PageCodec codec, boolean elf,
                               boolean flatten, boolean split, int messageLevel, int numThreads, boolean force,
                               boolean dryRun, boolean partialDmesg, long sizeLimit, long splitblockSize,
                               Tuning tuning, Extensions extensions, List<String> operands) {

    /** Message-level bits (makedumpfile print_info.h). */
    public static final int ML_PROGRESS = MessageLevel.PROGRESS;
    public static final int ML_COMMON = MessageLevel.COMMON;
    public static final int ML_ERROR = MessageLevel.ERROR;
    public static final int ML_DEBUG = MessageLevel.DEBUG;
    public static final int ML_REPORT = MessageLevel.REPORT;
    public static final int DEFAULT_MESSAGE_LEVEL = MessageLevel.DEFAULT;
    private static final int MAX_MESSAGE_LEVEL = 31;
    /** makedumpfile's DEFAULT_SPLITBLOCK_SIZE. */
    public static final long DEFAULT_SPLITBLOCK_SIZE = DumpTarget.Split.DEFAULT_SPLITBLOCK_SIZE;
    /** Compression threads pmemdump starts at most, whatever --num-threads says. */
    private static final int MAX_THREADS = 256;

    public enum Action { RUN, CHECK_PARAMS, HELP, VERSION }

    /** makedumpfile's jobs, in the order it tests their flags (-R wins over --reassemble, ...). */
    public enum Mode { REARRANGE, REASSEMBLE, DUMP_DMESG, MEM_USAGE, CREATE }

    /**
     * Options that only tune how makedumpfile uses its memory and files, carried for the record:
     * pmemdump's memory is bounded by its own design.
     *
     * @param cyclicBuffer --cyclic-buffer in KiB as given (atoi), or -1
     * @param workDir      --work-dir, or null
     * @param nonMmap      --non-mmap
     * @param blockOrder   -b order (atoi), or -1
     */
    public record Tuning(int cyclicBuffer, String workDir, boolean nonMmap, int blockOrder) {}

    /**
     * pmemdump's own options.
     *
     * @param jsonReport     --json-report FILE, or null
     * @param htmlReport     --html-report FILE: the run as an HTML page, or null
     * @param pmemInfoblocks --pmem-infoblock PATH (repeatable): namespace images or devices
     * @param regions        --regions SPEC (minidump), or null
     * @param iomem          --iomem FILE: the first kernel's /proc/iomem (pmem ranges, namespaces, metadata)
     * @param cmdline        --cmdline FILE: the capture kernel's command line (pmemdump.pmem=, pmemdump.ns=)
     */
    public record Extensions(String jsonReport, String htmlReport, List<String> pmemInfoblocks, String regions,
                             String iomem, String cmdline) {}

    /**
     * A command line makedumpfile would refuse; the message is what it prints. It carries the message
     * level and -F as read up to the error: makedumpfile prints its own lines through them (standard
     * output, or standard error after -F; nothing without the common-message bit).
     */
    public static final class InvalidCommandLine extends Exception {
        private static final long serialVersionUID = 1L;
        private final Kind kind;
        private final boolean checkParams;
        private final int messageLevel;
        private final boolean flatten;

        /** How makedumpfile reports it. */
        public enum Kind {
            /** getopt's line (prefixed with the program name), then "Commandline parameter is invalid." */
            GETOPT,
            /** makedumpfile's own explanation (may be empty), then "Commandline parameter is invalid." */
            PARAMETERS,
            /** makedumpfile's one line alone: a value out of range. */
            VALUE,
            /** pmemdump's one line alone on standard error: an option or combination it does not do. */
            REFUSED
        }

        InvalidCommandLine(String message) {
            this(message, Kind.GETOPT, false, DEFAULT_MESSAGE_LEVEL, false);
        }

        InvalidCommandLine(String message, Kind kind, boolean checkParams, int messageLevel, boolean flatten) {
            super(message);
            this.kind = kind;
            this.checkParams = checkParams;
            this.messageLevel = messageLevel;
            this.flatten = flatten;
        }

        public Kind kind() {
            return kind;
        }

        /** --check-params was read before the error: makedumpfile then omits "makedumpfile Failed.". */
        public boolean checkParams() {
            return checkParams;
        }

        /** The message level read before the error. */
        public int messageLevel() {
            return messageLevel;
        }

        /** -F was read before the error: makedumpfile's messages then go to standard error. */
        public boolean flatten() {
            return flatten;
        }

        InvalidCommandLine withState(boolean seenCheckParams, int level, boolean seenFlatten) {
            return new InvalidCommandLine(getMessage(), kind, seenCheckParams, level, seenFlatten);
        }
    }

    public static MakedumpfileArgs parse(List<String> argv) throws InvalidCommandLine {
        return new Builder().parse(argv);
    }

    private static final Path PROC_VMCORE = Path.of("/proc/vmcore");
    private static final Path PROC_CMDLINE = Path.of("/proc/cmdline");

    /** Files this run reads (standard input not counted): VMCORE, the --pmem-infoblock paths, --iomem. */
    public List<Path> inputs() {
        List<Path> in = new ArrayList<>();
        if (reassemble()) {
            operands.subList(0, operands.size() - 1).forEach(o -> in.add(Path.of(o)));
        } else if (!rearrange()) {
            in.add(Path.of(operands.get(0)));
        }
        for (String spec : pmemInfoblocks()) {
            int at = spec.lastIndexOf('@');
            in.add(Path.of(at < 0 ? spec : spec.substring(0, at)));
        }
        if (iomem() != null) {
            in.add(Path.of(iomem()));
        }
        if (extensions.cmdline() != null) {
            in.add(Path.of(extensions.cmdline()));
        }
        return in;
    }

    /**
     * The run this command line asks for. {@code stdin} feeds -R, {@code stdout} takes -F's stream.
     *
     * @throws UnsupportedOperationException for --mem-usage, which is no filter run (see memusage.MemUsage)
     * @throws IllegalArgumentException      for a --pmem-infoblock PHYS that is not a number
     */
    public FilterRequest toRequest(InputStream stdin, OutputStream stdout) {
        if (rearrange()) {
            return new RearrangeRequest(stdin, Path.of(operands.get(0)));
        }
        if (reassemble()) {
            return new ReassembleRequest(operands.subList(0, operands.size() - 1).stream().map(Path::of).toList(),
                    Path.of(operands.get(operands.size() - 1)));
        }
        if (dumpDmesg()) {
            return new DmesgRequest(Path.of(operands.get(0)),
                    flatten ? Optional.empty() : Optional.of(Path.of(operands.get(1))), stdout, partialDmesg,
                    reading());
        }
        if (memUsage()) {
            throw new UnsupportedOperationException("--mem-usage is run by MemUsage, not as a filter request");
        }
        Path vmcore = Path.of(operands.get(0));
        PmemSources pmem = new PmemSources(pmemInfoblocks().stream().map(PmemSources.Infoblock::parse).toList(),
                Optional.ofNullable(iomem()).map(Path::of), cmdline(vmcore));
        Optional<Path> json = Optional.ofNullable(jsonReport()).map(Path::of);
        if (regions() != null) {
            return new MinidumpRequest(vmcore, regions(), Path.of(operands.get(1)), pmem, json);
        }
        DumpTarget target = flatten ? new DumpTarget.Flattened(stdout) : split
                ? new DumpTarget.Split(operands.subList(1, operands.size()).stream().map(Path::of).toList(),
                        splitblockSize)
                : new DumpTarget.File(Path.of(operands.get(1)));
        return new DumpRequest(vmcore, dumpLevel(), elf ? OutputFormat.ELF : OutputFormat.kdump(codec), target,
                threads(), pmem, new Reports(json, Optional.ofNullable(htmlReport()).map(Path::of)), dryRun,
                sizeLimit, reading());
    }

    /** Files this run writes (standard output not counted): the dumpfile(s) or log, the reports. */
    public List<Path> outputs() {
        List<Path> out = new ArrayList<>();
        if (rearrange()) {
            out.add(Path.of(operands.get(0)));
        } else if (reassemble()) {
            out.add(Path.of(operands.get(operands.size() - 1)));
        } else if (!flatten && !memUsage()) {
            operands.subList(1, operands.size()).forEach(o -> out.add(Path.of(o)));
        }
        for (String report : new String[] {jsonReport(), htmlReport()}) {
            if (report != null) {
                out.add(Path.of(report));
            }
        }
        return out;
    }

    /** The dump level used: the first of the -d list (0 when -d is not given or empty). */
    public int dumpLevel() {
        return dumpLevels.isEmpty() ? DumpLevel.DEFAULT : dumpLevels.get(0);
    }

    /** Compression threads to start: --num-threads within [0, 256] (makedumpfile takes any int). */
    public int threads() {
        return Math.clamp(numThreads, 0, MAX_THREADS);
    }

    public boolean checkParams() {
        return action == Action.CHECK_PARAMS;
    }

    public boolean rearrange() {
        return mode == Mode.REARRANGE;
    }

    public boolean reassemble() {
        return mode == Mode.REASSEMBLE;
    }

    public boolean dumpDmesg() {
        return mode == Mode.DUMP_DMESG;
    }

    public boolean memUsage() {
        return mode == Mode.MEM_USAGE;
    }

    public String jsonReport() {
        return extensions.jsonReport();
    }

    public String htmlReport() {
        return extensions.htmlReport();
    }

    public List<String> pmemInfoblocks() {
        return extensions.pmemInfoblocks();
    }

    public String regions() {
        return extensions.regions();
    }

    /**
     * --cmdline FILE; else, when the input is /proc/vmcore, this capture kernel's /proc/cmdline, where
     * pmemdump's kexec load left the first kernel's pmem ranges.
     */
    private Optional<Path> cmdline(Path vmcore) {
        if (extensions.cmdline() != null) {
            return Optional.of(Path.of(extensions.cmdline()));
        }
        return vmcore.equals(PROC_VMCORE) && Files.isReadable(PROC_CMDLINE) ? Optional.of(PROC_CMDLINE)
                : Optional.empty();
    }

    public String iomem() {
        return extensions.iomem();
    }

    /** The options as they are read, then makedumpfile's checks of the whole. */
    private static final class Builder {
        private final List<Integer> levels = new ArrayList<>();
        private final List<String> infoblocks = new ArrayList<>();
        private PageCodec codec = PageCodec.NONE;
        private boolean elf, flatten, split, force, dryRun, partialDmesg, nonMmap, debug, stats, help, version,
                checkParams, rearrange, reassemble, dmesg, memUsage;
        private int messageLevel = DEFAULT_MESSAGE_LEVEL, threads, cyclicBuffer = -1, blockOrder = -1;
        private long sizeLimit, splitblockSize = DEFAULT_SPLITBLOCK_SIZE;
        private String workDir, json, html, regions, iomem, cmdline;
        private MakedumpfileOption refused;

        MakedumpfileArgs parse(List<String> argv) throws InvalidCommandLine {
            Getopt getopt = new Getopt(argv);
            try {
                for (Getopt.Parsed p = getopt.next(); p != null; p = getopt.next()) {
                    apply(p.option(), p.value());
                }
            } catch (InvalidCommandLine e) {
                throw e.withState(checkParams, level(), flatten);
            }
            List<String> operands = List.copyOf(getopt.operands());
            Action action = help ? Action.HELP : version ? Action.VERSION
                    : checkParams ? Action.CHECK_PARAMS : Action.RUN;
            if (action == Action.HELP || action == Action.VERSION) {
                return build(action, Mode.CREATE, operands);
            }
            if (refused != null) {
                throw invalid(Kind.REFUSED, "makedumpfile: " + refused.spelling() + " " + refused.refusal
                        + " is not supported by pmemdump");
            }
            Mode mode = rearrange ? Mode.REARRANGE : reassemble ? Mode.REASSEMBLE : dmesg ? Mode.DUMP_DMESG
                    : memUsage ? Mode.MEM_USAGE : Mode.CREATE;
            check(mode, operands);
            return build(action, mode, operands);
        }

        private MakedumpfileArgs build(Action action, Mode mode, List<String> operands) {
            return new MakedumpfileArgs(action, mode, List.copyOf(levels), codec, elf, flatten, split, level(), threads,
                    force, dryRun, partialDmesg, sizeLimit, splitblockSize,
                    new Tuning(cyclicBuffer, workDir, nonMmap, blockOrder),
                    new Extensions(json, html, List.copyOf(infoblocks), regions, iomem, cmdline), operands);
        }

        private int level() {
            return messageLevel | (debug ? ML_DEBUG : 0) | (stats ? ML_REPORT : 0);
        }

        private void apply(MakedumpfileOption o, String value) throws InvalidCommandLine {
            if (o.refusal != null && refused == null) {
                refused = o;
            }
            switch (o) {
                case BLOCK_ORDER -> blockOrder = CNumbers.atoi(value);
                case ZLIB -> codec = PageCodec.ZLIB;
                case LZO -> codec = PageCodec.LZO;
                case SNAPPY -> codec = PageCodec.SNAPPY;
                case ZSTD -> codec = PageCodec.ZSTD;
                case DEBUG -> debug = true;
                case DUMP_LEVEL -> dumpLevels(value);
                case ELF -> elf = true;
                case FLATTEN -> flatten = true;
                case FORCE -> force = true;
                case HELP -> help = true;
                case SIZE_LIMIT -> {
                    sizeLimit = CNumbers.size(value);
                    if (sizeLimit == 0) {
                        throw invalid(Kind.VALUE, "Limit size(" + value + ") is invalid.");
                    }
                }
                case REARRANGE -> rearrange = true;
                case VERSION -> version = true;
                case SPLIT -> split = true;
                case REASSEMBLE -> reassemble = true;
                case MESSAGE_LEVEL -> {
                    int ml = CNumbers.atoi(value);
                    if (ml < 0 || ml > MAX_MESSAGE_LEVEL) { // said at the level in force before
                        throw invalid(Kind.VALUE, "Message_level(" + ml + ") is invalid.");
                    }
                    messageLevel = ml;
                }
                case DUMP_DMESG -> dmesg = true;
                case PARTIAL_DMESG -> partialDmesg = true;
                case CYCLIC_BUFFER -> cyclicBuffer = CNumbers.atoi(value);
                case NON_MMAP -> nonMmap = true;
                case MEM_USAGE -> memUsage = true;
                // KiB as atoi reads it; 0 means the default (makedumpfile's check_splitblock_size)
                case SPLITBLOCK_SIZE -> {
                    int kib = CNumbers.atoi(value);
                    splitblockSize = kib == 0 ? DEFAULT_SPLITBLOCK_SIZE : (long) kib << 10;
                }
                case WORK_DIR -> workDir = value;
                case NUM_THREADS -> threads = CNumbers.atoi(value);
                case CHECK_PARAMS -> checkParams = true;
                case DRY_RUN -> dryRun = true;
                case SHOW_STATS -> stats = true;
                case JSON_REPORT -> json = value;
                case HTML_REPORT -> html = value;
                case PMEM_INFOBLOCK -> infoblocks.add(value);
                case REGIONS -> regions = value;
                case IOMEM -> iomem = value;
                case CMDLINE -> cmdline = value;
                default -> { } // refused options: only their presence matters
            }
        }

        /** makedumpfile's parse_dump_level: strtok on ',' (empty items vanish), atoi, 0..max each. */
        private void dumpLevels(String value) throws InvalidCommandLine {
            levels.clear();
            for (String part : value.split(",")) {
                if (part.isEmpty()) {
                    continue;
                }
                int level = CNumbers.atoi(part);
                if (level < 0 || level > DumpLevel.MAX_DUMP_LEVEL) {
                    throw invalid(Kind.VALUE, "Dump_level(" + level + ") is invalid.");
                }
                levels.add(level);
            }
        }

        private void check(Mode mode, List<String> operands) throws InvalidCommandLine {
            int n = operands.size();
            boolean compress = codec != PageCodec.NONE;
            int level = levels.isEmpty() ? DumpLevel.DEFAULT : levels.get(0);
            switch (mode) {
                case REARRANGE -> require(n == 1 && !compress && level == 0 && !elf && !flatten);
                case REASSEMBLE -> {
                    if (n == 0) {
                        throw invalid(Kind.PARAMETERS, "Can't allocate memory for splitting_info.");
                    }
                    require(!compress && level == 0 && !elf && !flatten && !split);
                    if (dryRun) {
                        throw invalid(Kind.PARAMETERS, "--dry-run cannot be used with --reassemble.");
                    }
                }
                case DUMP_DMESG, CREATE -> creatingDumpfile(n);
                case MEM_USAGE -> {
                    if (n != 1) {
                        creatingDumpfile(n);
                    }
                }
            }
            checkExtensions(mode, n);
        }

        /** makedumpfile's check_param_for_creating_dumpfile. */
        private void creatingDumpfile(int n) throws InvalidCommandLine {
            require(!(codec != PageCodec.NONE && elf));
            if (dryRun && dmesg) {
                throw invalid(Kind.PARAMETERS, "--dry-run cannot be used with --dump-dmesg.");
            }
            require(!(flatten && split));
            if (threads != 0 && split) {
                throw invalid(Kind.PARAMETERS, "--num-threads cannot used with --split.");
            }
            if (threads != 0 && elf) {
                throw invalid(Kind.PARAMETERS, "--num-threads cannot used with ELF format.");
            }
            require(!partialDmesg || dmesg);
            require((n == 2 && !flatten && !split) || (split && n > 2) || (n == 1 && flatten && !split));
            if (split && elf) {
                throw invalid(Kind.PARAMETERS, "Options for splitting dumpfile cannot be used with Elf format.");
            }
        }

        /** pmemdump's own options: where they make sense. */
        private void checkExtensions(Mode mode, int n) throws InvalidCommandLine {
            if (regions != null && mode != Mode.CREATE) {
                throw invalid(Kind.REFUSED, "makedumpfile: --regions cannot be used with -R, --reassemble, "
                        + "--dump-dmesg or --mem-usage");
            }
            if (html != null && (mode != Mode.CREATE || regions != null)) {
                throw invalid(Kind.REFUSED,
                        "makedumpfile: --html-report cannot be used with -R, --dump-dmesg, --mem-usage or --regions");
            }
            if (regions != null && (n != 2 || split || flatten)) {
                throw invalid(Kind.REFUSED, "makedumpfile: --regions writes one MINIDUMP file (not with --split or -F)");
            }
        }

        private void require(boolean ok) throws InvalidCommandLine {
            if (!ok) {
                throw invalid(Kind.PARAMETERS, "");
            }
        }

        private InvalidCommandLine invalid(Kind kind, String message) {
            return new InvalidCommandLine(message, kind, checkParams, level(), flatten);
        }
    }

    /** --non-mmap: the input is read with pread only. */
    private ReadMethod reading() {
        return tuning.nonMmap() ? ReadMethod.PREAD_ONLY : ReadMethod.MMAP_WHERE_FASTER;
    }
}
