package dev.pmemdump.cli.vmcore;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pmemdump.io.OutputRules;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Options shared by the vmcore commands: the dump (first positional) and the JSON switch. */
final class VmcoreArgs {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Parameters(index = "0", paramLabel = "VMCORE",
            description = "ELF vmcore (a copy of /proc/vmcore) or kdump-compressed dump (makedumpfile, a --split part)")
    Path vmcore;

    /** Opens the dump. */
    VmcoreFile open() throws java.io.IOException {
        return VmcoreFile.open(vmcore);
    }

    /** Prints {@code {"file": VMCORE, ...fields}} as indented JSON. */
    void printJson(PrintWriter out, Map<String, ?> fields) throws java.io.IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("file", vmcore.toString());
        doc.putAll(fields);
        out.println(JSON.writeValueAsString(doc));
    }

    /** The rules for a command's output file: never over VMCORE or {@code inputs}, replaced only with --force. */
    OutputRules outputRules(boolean force, Path... inputs) {
        return OutputRules.of(force, "--force").notOver(vmcore).notOver(inputs);
    }

    /** The {@code --json} switch. */
    static final class Json {
        @Option(names = "--json", description = "machine-readable output (JSON)")
        boolean enabled;
    }
}
