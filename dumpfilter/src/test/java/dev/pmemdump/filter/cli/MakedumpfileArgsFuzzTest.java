package dev.pmemdump.filter.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Any argument vector (the input split at NUL bytes) as a makedumpfile command line: the parsed
 * options or {@link MakedumpfileArgs.InvalidCommandLine} with makedumpfile's message, never another
 * exception.
 */
class MakedumpfileArgsFuzzTest {

    @FuzzTest
    void makedumpfileArgs(byte[] data) {
        String joined = new String(data, StandardCharsets.UTF_8);
        List<String> argv = joined.isEmpty() ? List.of() : List.of(joined.split("\0", -1));
        try {
            MakedumpfileArgs args = MakedumpfileArgs.parse(argv);
            args.inputs();
            args.outputs();
        } catch (MakedumpfileArgs.InvalidCommandLine expected) {
            // a named error is a right answer to a bad command line
        }
    }
}
