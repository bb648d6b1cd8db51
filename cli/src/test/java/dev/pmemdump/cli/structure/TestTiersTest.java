package dev.pmemdump.cli.structure;

import dev.pmemdump.testing.UnitTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every test class carries its tier (unit, fixture, oracle or qemu, the meta-annotations of
 * dev.pmemdump.testing): untagged tests would run in `mvn test` whatever they need.
 */
@UnitTest
class TestTiersTest {
    private static final Pattern TEST = Pattern.compile("@(Test|ParameterizedTest|RepeatedTest|TestFactory)\\b");
    private static final Pattern TIER = Pattern.compile("(?m)^@(UnitTest|FixtureTest|OracleTest|QemuTest)\\s*$");

    @Test
    void everyTestClassHasATier() {
        List<String> untagged = new ArrayList<>();
        int classes = 0;
        for (String module : ProjectTree.modules()) {
            for (Path java : ProjectTree.files(ProjectTree.root().resolve(module).resolve("src/test/java"), ".java")) {
                String text = ProjectTree.read(java);
                if (TEST.matcher(text).find()) {
                    classes++;
                    if (!TIER.matcher(text).find()) {
                        untagged.add(ProjectTree.root().relativize(java).toString());
                    }
                }
            }
        }
        assertTrue(classes > 40, "found only " + classes + " test classes");
        assertEquals(List.of(), untagged);
    }
}
