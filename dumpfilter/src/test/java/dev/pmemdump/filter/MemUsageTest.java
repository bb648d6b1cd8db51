package dev.pmemdump.filter;

import dev.pmemdump.testing.OracleTest;
import dev.pmemdump.testing.Tools;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * --mem-usage against makedumpfile 1.7.2 on this machine, as both run on it: the same exit status and
 * the same lines (makedumpfile prints some on the other stream, its children in no fixed order: lines
 * are compared sorted). Where no memory is reserved for a crash kernel (a container, a CI runner) both
 * stop there, after the running kernel's version notice; on a kdump-ready host both print the table.
 */
@OracleTest
class MemUsageTest {
    static final Path vmcore = RealMakedumpfile.vmcore();

    static List<String> sortedLines(String text) {
        return text.lines().sorted().toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--mem-usage /proc/kcore", "--mem-usage VMCORE", "--mem-usage", "--mem-usage a b",
            "--check-params --mem-usage /proc/kcore", "-f --mem-usage /proc/kcore", "--mem-usage -d 31 /proc/kcore",
            "--message-level 4 --mem-usage /proc/kcore", "-F --mem-usage /proc/kcore", "--dry-run --mem-usage /proc/kcore",
            "--split --mem-usage /proc/kcore", "-E --mem-usage /proc/kcore", "-c -L 1M --mem-usage /proc/kcore"})
    void sameStatusSameLines(String commandLine) {
        List<String> args = new ArrayList<>();
        for (String word : commandLine.split(" ")) {
            args.add(word.equals("VMCORE") ? vmcore.toString() : word);
        }
        Tools.Run t = RealMakedumpfile.run(vmcore.getParent(), args);
        ElfInputAcceptanceTest.Run o = ElfInputAcceptanceTest.makedumpfile(args.toArray(String[]::new));
        assertEquals(t.exitCode(), o.code(), o.err());
        assertEquals(sortedLines(t.stdout() + t.stderr()), sortedLines(o.out() + o.err()), commandLine);
    }
}
