package dev.pmemdump.images.kernel;

import org.junit.jupiter.api.Assertions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Boots Debian's kernel under QEMU (TCG) with one emulated NVDIMM backed by an image file and runs a
 * guest script in it. The NVDIMM sits in slot 0, as in the fixtures, so its NFIT serial and hence the
 * labels' interleave-set cookies are those pmemdump assumes for an image; the last
 * {@link #LABEL_SIZE} bytes of the file are its label storage area. The share directory is the
 * guest's 9p share: the script reads its inputs there and leaves its outputs there.
 */
final class NvdimmGuest {
    static final long LABEL_SIZE = 128 * 1024;
    private static final long GIB = 1L << 30;
    private static final int RAM_GIB = 1;

    /** What one boot left: the share with the script's outputs, the serial console, the timings. */
    record Boot(Path share, Path console, Duration wall, double guestScriptSeconds) {
        Path out(String relative) {
            return share.resolve(relative);
        }

        String text(String relative) {
            try {
                return Files.readString(share.resolve(relative));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private NvdimmGuest() {}

    /**
     * Boots with {@code image} as the NVDIMM, runs {@code kernel/<script>} (after
     * {@code kernel/guest-lib.sh}) in {@code share}, and fails the test unless the script exits 0
     * within {@code timeout}. Skips the test where QEMU, the kernel or a guest tool is missing.
     */
    static Boot run(Path image, Path share, String script, Duration timeout) throws IOException {
        KernelInstall kernel = KernelInstall.require();
        return run(image, share, script, timeout, kernel, GuestInitramfs.shared(kernel));
    }

    /** As {@link #run(Path, Path, String, Duration)} with an initramfs of the test's own. */
    static Boot run(Path image, Path share, String script, Duration timeout, KernelInstall kernel, Path initramfs)
            throws IOException {
        Path qemu = Prerequisites.program("qemu-system-x86_64", "qemu-system-x86");
        long size = Files.size(image);
        if (size <= LABEL_SIZE) {
            throw new IllegalArgumentException(image + ": " + size + " bytes leave no room beside the " + LABEL_SIZE + "-byte label area");
        }

        byte[] lib = GuestInitramfs.resource("guest-lib.sh");
        byte[] body = GuestInitramfs.resource(script);
        byte[] guest = new byte[lib.length + body.length];
        System.arraycopy(lib, 0, guest, 0, lib.length);
        System.arraycopy(body, 0, guest, lib.length, body.length);
        Files.write(share.resolve("guest.sh"), guest);
        Files.deleteIfExists(share.resolve("rc"));
        Path console = share.resolveSibling(share.getFileName() + "-console.log");

        List<String> cmd = List.of(qemu.toString(),
                "-machine", "pc,nvdimm=on,accel=tcg", "-smp", "1",
                "-m", RAM_GIB + "G,slots=1,maxmem=" + (RAM_GIB + (size + GIB - 1) / GIB) + "G",
                "-display", "none", "-monitor", "none", "-serial", "file:" + console,
                "-no-reboot", "-net", "none",
                "-kernel", kernel.vmlinuz().toString(), "-initrd", initramfs.toString(),
                "-append", "console=ttyS0 panic=-1 loglevel=4",
                "-virtfs", "local,path=" + share + ",mount_tag=share,security_model=none,id=share",
                "-object", "memory-backend-file,id=mem0,share=on,mem-path=" + image + ",size=" + size,
                "-device", "nvdimm,id=nvdimm0,memdev=mem0,label-size=" + LABEL_SIZE + ",slot=0");

        Path qemuLog = share.resolveSibling(share.getFileName() + "-qemu.log");
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(qemuLog.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                Assertions.fail("the guest did not power off within " + timeout.toSeconds() + " s" + diagnostics(share, console, qemuLog));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - start);
        if (p.exitValue() != 0 || !Files.exists(share.resolve("rc"))) {
            Assertions.fail("qemu exited " + p.exitValue() + " without the guest script's status" + diagnostics(share, console, qemuLog));
        }
        String rc = Files.readString(share.resolve("rc")).trim();
        if (!rc.equals("0")) {
            Assertions.fail("the guest script " + script + " exited " + rc + diagnostics(share, console, qemuLog));
        }
        double scriptSeconds = Double.parseDouble(Files.readString(share.resolve("uptime-end")).trim())
                - Double.parseDouble(Files.readString(share.resolve("uptime-start")).trim());
        Boot boot = new Boot(share, console, wall, scriptSeconds);
        System.err.printf("qemu guest %s: %.1f s wall, %.1f s of it in the guest script%n",
                script, wall.toMillis() / 1000.0, scriptSeconds);
        return boot;
    }

    private static String diagnostics(Path share, Path console, Path qemuLog) throws IOException {
        return "\n--- guest.log (tail) ---\n" + tail(share.resolve("guest.log"))
                + "\n--- serial console (tail) ---\n" + tail(console)
                + "\n--- qemu ---\n" + tail(qemuLog);
    }

    private static String tail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "(none)";
        }
        String s = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
    }
}
