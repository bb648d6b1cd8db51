package dev.pmemdump.pmem.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h/--help} for a verb. Verbs use it instead of picocli's standard help options because
 * ndctl gives {@code -V} other meanings ({@code --label-version}, {@code --verify}).
 */
final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;
}
