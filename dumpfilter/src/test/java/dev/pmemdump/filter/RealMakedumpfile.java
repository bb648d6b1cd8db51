package dev.pmemdump.filter;

import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.Tools;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The oracle of the makedumpfile tests: the installed makedumpfile 1.7.2 and the real 6.1 vmcore. */
final class RealMakedumpfile {
    private RealMakedumpfile() {}

    /** The real 6.1 vmcore (ELF, 322 MB), decompressed once. */
    static Path vmcore() {
        return Fixtures.unzstd("linux-6.1-qemu/kdump-file/vmcore.raw.zst");
    }

    /** Runs makedumpfile in {@code dir}; the caller checks the exit status. */
    static Tools.Run run(Path dir, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Tools.require("makedumpfile").toString()));
        cmd.addAll(args);
        return Tools.run(cmd, dir, 300);
    }

    /** Runs makedumpfile with its standard output into {@code stdout} (binary safe); it must succeed. */
    static Tools.Run runToFile(Path dir, Path stdout, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Tools.require("makedumpfile").toString()));
        cmd.addAll(List.of(args));
        String line = String.join(" ", cmd.stream().map(a -> "'" + a + "'").toList()) + " > '" + stdout + "'";
        return Tools.run(List.of("/bin/sh", "-c", line), dir, 300).assertOk();
    }
}
