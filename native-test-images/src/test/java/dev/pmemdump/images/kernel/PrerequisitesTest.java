package dev.pmemdump.images.kernel;

import dev.pmemdump.testing.Tools;
import dev.pmemdump.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@UnitTest
class PrerequisitesTest {
    @Test
    void aMissingProgramSkipsNamingItsPackageOrFailsWhereToolsAreRequired() {
        Class<? extends Throwable> expected = Tools.strict() ? AssertionFailedError.class : TestAbortedException.class;
        Throwable t = assertThrows(expected, () -> Prerequisites.program("pmemdump-no-such-program", "some-package"));
        assertTrue(t.getMessage().contains("apt-get install some-package"), t.getMessage());
    }
}
