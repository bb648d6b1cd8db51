package dev.pmemdump.images.kernel;

import dev.pmemdump.testing.Tools;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An installed distribution kernel (Debian's {@code linux-image-amd64}): its image in /boot and its
 * modules in /lib/modules/RELEASE.
 */
record KernelInstall(String release, Path vmlinuz, Path modulesDir) {
    private static final Path BOOT = Path.of("/boot");
    private static final Path MODULES = Path.of("/lib/modules");

    /**
     * The newest readable kernel image that has its modules installed; skips the test (fails it
     * under -Dpmemdump.requireTools=true) when there is none.
     */
    static KernelInstall require() {
        Optional<KernelInstall> found = find();
        if (found.isEmpty()) {
            missing("no kernel image with modules in /boot and /lib/modules (apt-get install linux-image-amd64, as .ci/run does)");
        }
        return found.orElseThrow();
    }

    /** Skips the test with {@code why}, or fails it where every interoperability test must run. */
    static void missing(String why) {
        if (Tools.strict()) {
            Assertions.fail(why);
        }
        Assumptions.abort(why);
    }

    private static Optional<KernelInstall> find() {
        if (!Files.isDirectory(BOOT)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(BOOT)) {
            List<KernelInstall> kernels = files
                    .filter(p -> p.getFileName().toString().startsWith("vmlinuz-") && Files.isReadable(p))
                    .map(p -> new KernelInstall(p.getFileName().toString().substring("vmlinuz-".length()), p,
                            MODULES.resolve(p.getFileName().toString().substring("vmlinuz-".length()))))
                    .filter(k -> Files.isReadable(k.modulesDir.resolve("modules.dep")))
                    .toList();
            // An upgrade installs the newest kernel last.
            return kernels.stream().max(Comparator.comparing(k -> modified(k.vmlinuz)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
