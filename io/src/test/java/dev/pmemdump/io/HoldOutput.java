package dev.pmemdump.io;

import java.nio.file.Path;

/** Child JVM of {@link OutputSignalTest}: opens an output, says where its bytes go, then waits to be killed. */
final class HoldOutput {
    private HoldOutput() {}

    public static void main(String[] args) throws Exception {
        AtomicOutput out = AtomicOutput.create(Path.of(args[0]), OutputRules.of(false, "--force"));
        out.writeAll(java.lang.foreign.MemorySegment.ofArray(new byte[4096]));
        System.out.println(out.tempPath());
        System.out.flush();
        Thread.sleep(120_000);
    }
}
