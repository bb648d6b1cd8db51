package dev.pmemdump.loadplan.stock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the capture kernel with stock kexec-tools so that the vmcore contains pmem: kexec runs in a
 * private mount namespace where a relabelled copy of /proc/iomem is bind-mounted over /proc/iomem;
 * the global /proc/iomem is never touched and the namespace ends with kexec.
 *
 * <p>The namespace is made by util-linux's {@code unshare --mount --propagation private}, not by
 * calling unshare(2) from the JVM: {@code CLONE_NEWNS} implies {@code CLONE_FS}, which the kernel
 * refuses (EINVAL) to a process with more than one thread, and a JVM always has several.
 */
public final class StockKernelLoad {
    private final Path unshare;
    private final Path kexec;

    public StockKernelLoad(Path unshare, Path kexec) {
        this.unshare = unshare;
        this.kexec = kexec;
    }

    /** The command that mounts {@code relabelled} over /proc/iomem, then execs kexec with {@code args}. */
    public List<String> command(Path relabelled, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(unshare.toString(), "--mount", "--propagation", "private",
                "/bin/sh", "-c", "mount --bind \"$0\" /proc/iomem && exec \"$@\"", relabelled.toString(),
                kexec.toString()));
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Writes {@code iomem} into a private temp file, runs kexec through {@link #command} with the
     * terminal's standard streams, removes the file and returns kexec's exit status.
     */
    public int run(RelabelledIomem iomem, List<String> args) throws IOException, InterruptedException {
        Path copy = Files.createTempFile("pmemdump-iomem-", ".txt",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(copy, iomem.text());
            Process p = new ProcessBuilder(command(copy, args)).inheritIO().start();
            return p.waitFor();
        } finally {
            Files.deleteIfExists(copy);
        }
    }
}
