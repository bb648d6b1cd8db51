package dev.pmemdump.images.kernel;

import dev.pmemdump.testing.Tools;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The minimal initramfs the test guest boots: the host's busybox, ndctl, daxctl and daxio (PMDK's
 * device-dax I/O tool: device-dax has no read/write, only mmap) with the shared libraries ldd names,
 * the nvdimm and 9p-over-virtio modules with what modules.dep says they need, and an /init
 * ({@code kernel/init}) that loads them, runs the test's script from the 9p share and powers off.
 */
final class GuestInitramfs {
    /** Loaded in this order, each after its dependencies: the share first, nfit (which finds the NVDIMMs) last. */
    static final List<String> MODULES = List.of(
            "virtio_pci", "9pnet_virtio", "9p",
            "libnvdimm", "nd_btt", "nd_pmem", "device_dax", "dax_pmem", "nfit");
    /** Program to the Debian package that installs it. */
    static final Map<String, String> PROGRAMS = new TreeMap<>(Map.of("ndctl", "ndctl", "daxctl", "daxctl", "daxio", "pmdk-tools"));

    private static Path shared;

    private GuestInitramfs() {}

    /**
     * The initramfs for {@code kernel}, built once per test JVM under target/ (it takes well under a
     * second, so nothing is kept across runs).
     */
    static synchronized Path shared(KernelInstall kernel) {
        if (shared == null) {
            Path busybox = Prerequisites.program("busybox", "busybox-static");
            List<Path> programs = PROGRAMS.entrySet().stream().map(e -> Prerequisites.program(e.getKey(), e.getValue())).toList();
            try {
                Path dir = Files.createDirectories(Path.of("target", "kernel-guest"));
                shared = build(kernel, busybox, programs, dir.resolve("initramfs-" + kernel.release() + ".cpio"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    static Path build(KernelInstall kernel, Path busybox, List<Path> programs, Path out) throws IOException {
        return build(kernel, busybox, programs, MODULES, out);
    }

    /** As {@link #build(KernelInstall, Path, List, Path)} with other modules (loaded with their dependencies). */
    static Path build(KernelInstall kernel, Path busybox, List<Path> programs, List<String> wanted, Path out)
            throws IOException {
        List<String> modules = ModuleDeps.read(kernel.modulesDir()).loadOrder(wanted);
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try (NewcArchive cpio = new NewcArchive(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
            for (String d : List.of("dev", "proc", "sys", "share", "tmp", "etc")) {
                cpio.directory(d);
            }
            cpio.file("init", 0755, resource("init"));
            cpio.file("bin/busybox", 0755, Files.readAllBytes(busybox));
            Set<Path> libraries = new LinkedHashSet<>(sharedLibraries(busybox));
            for (Path p : programs) {
                cpio.file("usr/bin/" + p.getFileName(), 0755, Files.readAllBytes(p));
                libraries.addAll(sharedLibraries(p));
            }
            for (Path lib : libraries) {
                // ldd names the path the loader looks up; a symlink's target content serves there.
                cpio.file(lib.toString().substring(1), 0755, Files.readAllBytes(lib));
            }
            StringBuilder loadList = new StringBuilder();
            for (String m : modules) {
                if (!m.endsWith(".ko")) {
                    throw new IllegalStateException(m + " is compressed; busybox insmod loads plain .ko files only");
                }
                String inGuest = "lib/modules/" + kernel.release() + "/" + m;
                cpio.file(inGuest, 0644, Files.readAllBytes(kernel.modulesDir().resolve(m)));
                loadList.append('/').append(inGuest).append('\n');
            }
            cpio.file("etc/modules", 0644, loadList.toString().getBytes(StandardCharsets.UTF_8));
        }
        return Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static final Pattern LIBRARY = Pattern.compile("(?:=>\\s*)?(/\\S+)\\s+\\(0x");

    /** The absolute library paths {@code ldd} lists for {@code program} (none for a static one). */
    static List<Path> sharedLibraries(Path program) {
        Tools.Run r = Tools.run(List.of(Tools.require("ldd").toString(), program.toString()), null, 60);
        List<Path> libs = new ArrayList<>();
        if (r.exitCode() != 0) {
            if (r.stdout().contains("not a dynamic executable") || r.stderr().contains("not a dynamic executable")) {
                return libs;
            }
            r.assertOk();
        }
        for (String line : r.stdout().split("\n")) {
            if (line.contains("not found")) {
                throw new IllegalStateException("ldd " + program + ": " + line.trim());
            }
            Matcher m = LIBRARY.matcher(line);
            if (m.find()) {
                libs.add(Path.of(m.group(1)));
            }
        }
        return libs;
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = GuestInitramfs.class.getResourceAsStream("/kernel/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource kernel/" + name);
            }
            return in.readAllBytes();
        }
    }
}
