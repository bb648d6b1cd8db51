package dev.pmemdump.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.PrintWriter;
import java.util.Map;

/**
 * pmemdump(1) in roff, written from picocli's model of the command (the same model that prints
 * {@code --help}), so the page cannot drift from the options: each verb and sub-verb with its
 * synopsis, description and options. Run by scripts/install: {@code ManPage VERSION > pmemdump.1}.
 */
public final class ManPage {
    private ManPage() {}

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, false, java.nio.charset.StandardCharsets.UTF_8);
        write(new CommandLine(new PmemdumpCommand()), args.length > 0 ? args[0] : "", out);
        out.flush();
    }

    static void write(CommandLine top, String version, PrintWriter out) {
        CommandSpec spec = top.getCommandSpec();
        out.println(".TH PMEMDUMP 1 \"\" \"pmemdump " + roff(version) + "\" \"User Commands\"");
        out.println(".SH NAME");
        out.println("pmemdump \\- " + roff(String.join(" ", spec.usageMessage().description())));
        out.println(".SH SYNOPSIS");
        out.println(".B pmemdump");
        out.println(".I VERB");
        out.println("[\\fIOPTIONS\\fR] ...");
        out.println(".SH VERBS");
        for (Map.Entry<String, CommandLine> e : top.getSubcommands().entrySet()) {
            verb(e.getKey(), e.getValue(), out);
        }
        out.println(".SH EXIT STATUS");
        for (Map.Entry<String, String> e : spec.usageMessage().exitCodeList().entrySet()) {
            out.println(".TP");
            out.println(".B " + roff(e.getKey().trim()));
            out.println(roff(e.getValue()));
        }
        out.println(".SH ENVIRONMENT");
        out.println(".TP");
        out.println(".B PMEMDUMP_DEBUG");
        out.println("When set, errors print their stack trace after the one-line message.");
        out.println(".TP");
        out.println(".B PMEMDUMP_JVM_OPTS");
        out.println("Extra options for the Java runtime of an installed pmemdump (e.g. a larger \\-Xmx).");
        out.println(".SH SEE ALSO");
        out.println(".BR makedumpfile (8)");
    }

    private static void verb(String path, CommandLine cl, PrintWriter out) {
        CommandSpec spec = cl.getCommandSpec();
        out.println(".SS \"pmemdump " + roff(path) + "\"");
        String synopsis = cl.getHelp().synopsis(0).strip().replaceFirst("^Usage: *", "");
        out.println(".nf");
        out.println(roff(synopsis)); // picocli's synopsis names the command with its parents
        out.println(".fi");
        String description = String.join(" ", spec.usageMessage().description());
        if (!description.isBlank()) {
            out.println(".PP");
            out.println(roff(description));
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.hidden() || p.description().length == 0) {
                continue;
            }
            out.println(".TP");
            out.println(".I " + roff(p.paramLabel()));
            out.println(roff(String.join(" ", p.description())));
        }
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) {
                continue;
            }
            out.println(".TP");
            String label = o.typeInfo().isBoolean() || o.arity().max() == 0 ? "" : " \\fI" + roff(o.paramLabel()) + "\\fR";
            out.println(".B " + roff(String.join(", ", o.names())) + label);
            out.println(roff(String.join(" ", o.description())));
        }
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            verb(path + " " + e.getKey(), e.getValue(), out);
        }
    }

    /** Text for roff: backslashes and hyphens escaped, no line starting with a control character. */
    private static String roff(String s) {
        String t = s.replace("\\", "\\e").replace("-", "\\-").replace("%n", " ");
        return t.startsWith(".") || t.startsWith("'") ? "\\&" + t : t;
    }
}
