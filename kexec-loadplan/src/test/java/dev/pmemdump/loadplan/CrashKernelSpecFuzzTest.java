package dev.pmemdump.loadplan;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;

/**
 * Any text as a {@code crashkernel=} value and as a kernel command line: a spec or a
 * {@link CrashKernelException} quoting it, and a spec sizes a reservation for any amount of RAM
 * or says why not, never another exception.
 */
class CrashKernelSpecFuzzTest {
    private static final long[] RAM_SIZES = {0, 1L << 20, 512L << 20, 2L << 30, 64L << 30, Long.MAX_VALUE};

    @FuzzTest
    void crashKernel(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            CrashKernelSpec spec = CrashKernelSpec.parse(text);
            for (long ram : RAM_SIZES) {
                sizeFor(spec, ram);
            }
        } catch (CrashKernelException expected) {
            // a named error is a right answer to a bad value
        }
        try {
            CrashKernelSpec.fromCmdline(text);
        } catch (CrashKernelException expected) {
            // idem
        }
    }

    private static void sizeFor(CrashKernelSpec spec, long ram) {
        try {
            spec.sizeFor(ram);
        } catch (CrashKernelException expected) {
            // a range whose size is not below the RAM is refused by name
        }
    }
}
