package dev.pmemdump.filter.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * glibc's getopt_long as makedumpfile calls it, one option at a time (makedumpfile acts on each
 * option as it comes, so whether {@code --check-params} was seen before an error changes the
 * output): grouped short options ({@code -cd31}), arguments attached or in the next word, long
 * options with {@code =} or the next word, unique abbreviations, operands anywhere (permutation),
 * {@code --} ending options. Messages are glibc's, without the program name prefix.
 */
final class Getopt {
    /** One parsed option and its argument (null when it takes none). */
    record Parsed(MakedumpfileOption option, String value) {}

    private final List<String> argv;
    private final List<String> operands = new ArrayList<>();
    private int index;
    /** The rest of a group of short options being read ({@code "d31"} of {@code -cd31}), or null. */
    private String group;

    Getopt(List<String> argv) {
        this.argv = argv;
    }

    /** The operands, complete once {@link #next()} returned null. */
    List<String> operands() {
        return operands;
    }

    /** The next option, or null when there are no more. */
    Parsed next() throws MakedumpfileArgs.InvalidCommandLine {
        if (group != null) {
            return shortOption();
        }
        while (index < argv.size()) {
            String a = argv.get(index++);
            if (a.equals("--")) {
                operands.addAll(argv.subList(index, argv.size()));
                index = argv.size();
                return null;
            }
            if (a.startsWith("--")) {
                return longOption(a);
            }
            if (a.startsWith("-") && a.length() > 1) {
                group = a.substring(1);
                return shortOption();
            }
            operands.add(a);
        }
        return null;
    }

    private Parsed shortOption() throws MakedumpfileArgs.InvalidCommandLine {
        char c = group.charAt(0);
        String rest = group.substring(1);
        group = rest.isEmpty() ? null : rest;
        MakedumpfileOption o = byShortName(c);
        if (o == null) {
            throw new MakedumpfileArgs.InvalidCommandLine("invalid option -- '" + c + "'");
        }
        if (!o.hasArg) {
            return new Parsed(o, null);
        }
        String value;
        if (group != null) {
            value = group;
            group = null;
        } else if (index < argv.size()) {
            value = argv.get(index++);
        } else {
            throw new MakedumpfileArgs.InvalidCommandLine("option requires an argument -- '" + c + "'");
        }
        return new Parsed(o, value);
    }

    private Parsed longOption(String arg) throws MakedumpfileArgs.InvalidCommandLine {
        String name = arg.substring(2);
        String value = null;
        int eq = name.indexOf('=');
        if (eq >= 0) {
            value = name.substring(eq + 1);
            name = name.substring(0, eq);
        }
        MakedumpfileOption o = byLongName(arg, name);
        if (o.hasArg && value == null) {
            if (index >= argv.size()) {
                throw new MakedumpfileArgs.InvalidCommandLine("option '--" + o.longName + "' requires an argument");
            }
            value = argv.get(index++);
        } else if (!o.hasArg && value != null) {
            throw new MakedumpfileArgs.InvalidCommandLine("option '--" + o.longName + "' doesn't allow an argument");
        }
        return new Parsed(o, value);
    }

    private static MakedumpfileOption byShortName(char c) {
        for (MakedumpfileOption o : MakedumpfileOption.values()) {
            if (o.shortName == c) {
                return o;
            }
        }
        return null;
    }

    /**
     * An exact name first; then an abbreviation of makedumpfile's options alone, so that every
     * command line makedumpfile accepts means here what it means there; then of pmemdump's own.
     */
    private static MakedumpfileOption byLongName(String arg, String name) throws MakedumpfileArgs.InvalidCommandLine {
        for (MakedumpfileOption o : MakedumpfileOption.values()) {
            if (name.equals(o.longName)) {
                return o;
            }
        }
        for (boolean own : new boolean[] {false, true}) {
            List<MakedumpfileOption> matches = new ArrayList<>();
            for (MakedumpfileOption o : MakedumpfileOption.values()) {
                if (o.longName != null && o.pmemdumpOnly() == own && o.longName.startsWith(name)) {
                    matches.add(o);
                }
            }
            if (matches.size() == 1) {
                return matches.get(0);
            }
            if (matches.size() > 1) {
                StringBuilder m = new StringBuilder("option '" + arg + "' is ambiguous; possibilities:");
                matches.forEach(o -> m.append(" '--").append(o.longName).append('\''));
                throw new MakedumpfileArgs.InvalidCommandLine(m.toString());
            }
        }
        throw new MakedumpfileArgs.InvalidCommandLine("unrecognized option '" + arg + "'");
    }
}
