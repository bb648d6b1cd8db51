package dev.pmemdump.images;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.testing.FuzzFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any bytes as a scenario file: {@link Scenario#read} gives a validated scenario, an
 * {@link IllegalArgumentException} whose one-line message starts with the file name (the CLI's
 * bad-input error) or a {@link CorruptInputException} for bytes that are no text (named by the
 * bounded text reader), never another exception.
 */
class ScenarioFuzzTest {
    private static final Path FILE = FuzzFiles.scratch("scenario");

    @FuzzTest
    void scenario(byte[] data) throws IOException {
        Files.write(FILE, data);
        try {
            Scenario.read(FILE).toJson();
        } catch (IllegalArgumentException | CorruptInputException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith(FILE + ": ")) {
                throw new AssertionError("error does not name the file: " + e, e);
            }
        }
    }
}
