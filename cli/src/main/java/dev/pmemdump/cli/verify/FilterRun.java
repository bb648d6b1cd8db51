package dev.pmemdump.cli.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmemdump.filter.cli.MakedumpfileCommand;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One in-process run of {@code pmemdump makedumpfile}, through the same command line a kdump
 * script would type, with its JSON report read back.
 *
 * @param exitCode makedumpfile's exit status
 * @param dump     the dumpfile written (rebuilt from the flattened stream for -F)
 * @param report   the --json-report figures
 * @param messages what the command printed
 */
record FilterRun(int exitCode, Path dump, JsonNode report, String messages) {

    static FilterRun run(Path vmcore, DumpFormat format, int dumpLevel, Path outDir) throws IOException {
        String base = format.label() + "-d" + dumpLevel;
        Path dump = outDir.resolve(base + ".dump");
        Path json = outDir.resolve(base + ".json");
        List<String> argv = new ArrayList<>(format.options());
        argv.addAll(List.of("-d", Integer.toString(dumpLevel), "--json-report", json.toString()));
        StringWriter text = new StringWriter();
        int rc;
        if (format == DumpFormat.FLAT) {
            Path flat = outDir.resolve(base + ".flat");
            argv.add(vmcore.toString());
            try (OutputStream os = Files.newOutputStream(flat)) {
                rc = execute(argv, InputStream.nullInputStream(), os, text);
            }
            if (rc == 0) {
                try (InputStream is = Files.newInputStream(flat)) {
                    rc = execute(List.of("-R", dump.toString()), is, OutputStream.nullOutputStream(), text);
                }
            }
            Files.deleteIfExists(flat);
        } else {
            argv.add(vmcore.toString());
            argv.add(dump.toString());
            rc = execute(argv, new ByteArrayInputStream(new byte[0]), OutputStream.nullOutputStream(), text);
        }
        JsonNode report = rc == 0 && Files.exists(json) ? new ObjectMapper().readTree(json.toFile()) : null;
        return new FilterRun(rc, dump, report, text.toString());
    }

    private static int execute(List<String> argv, InputStream in, OutputStream out, StringWriter text) {
        CommandLine cl = new CommandLine(new MakedumpfileCommand(in, out));
        PrintWriter pw = new PrintWriter(text, true);
        cl.setOut(pw);
        cl.setErr(pw);
        return cl.execute(argv.toArray(String[]::new));
    }

    long count(String key) {
        return report.path(key).asLong(-1);
    }
}
