package dev.pmemdump.images.kernel;

import dev.pmemdump.testing.QemuTest;
import dev.pmemdump.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DAX mappings on a real kernel, through a reset. Boot 1: real ndctl makes an fsdax namespace (an
 * ext4 on it, mounted {@code -o dax}) and a devdax one; pmemdump, run in the guest from a jlink
 * runtime on the share, builds a region image file on the DAX file system and a region on
 * {@code /dev/dax0.1}, says it mapped them MAP_SYNC and device-dax, lists them, and the guest is
 * reset with {@code echo b > /proc/sysrq-trigger} (nothing unmounted, nothing synced). Boot 2: the
 * same listings, exactly. Two TCG boots; about four minutes on a loaded 2-core machine.
 */
@QemuTest
class DaxResetTest {
    private static final long MiB = 1 << 20;
    /** One JVM per boot runs all of pmemdump's commands: a JVM start under TCG costs seconds. */
    private static final String JVM_OPTIONS = "-Xmx160m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData "
            + "--enable-native-access=ALL-UNNAMED";

    @TempDir
    Path dir;

    @Test
    void daxMappedImagesSurviveAReset() throws Exception {
        KernelInstall kernel = KernelInstall.require();
        Path busybox = Prerequisites.program("busybox", "busybox-static");
        List<Path> programs = List.of(Prerequisites.program("ndctl", "ndctl"), Prerequisites.program("mke2fs", "e2fsprogs"));
        List<String> modules = new ArrayList<>(GuestInitramfs.MODULES);
        modules.addAll(List.of("crc32c_generic", "ext4"));
        Path initramfs = GuestInitramfs.build(kernel, busybox, programs, modules,
                Files.createDirectories(Path.of("target", "kernel-guest")).resolve("initramfs-dax-" + kernel.release() + ".cpio"));

        Path image = dir.resolve("nvdimm.img");
        PmemdumpNdctl.run("create-image", "-s", (256 * MiB + NvdimmGuest.LABEL_SIZE) + "", image.toString());
        PmemdumpNdctl.run("init-labels", "-V", "1.1", "nmem0", "--image", image.toString());
        Path share = Files.createDirectories(dir.resolve("share"));
        packPmemdump(share);

        NvdimmGuest.Boot first = NvdimmGuest.run(image, share, "dax-reset-1.sh", Duration.ofMinutes(8), kernel, initramfs);
        assertTrue(first.text("out/mount").contains("dax"), "ext4 mounted with dax: " + first.text("out/mount"));
        String img = "/mnt/region.img";
        for (String step : List.of("init", "ns-fsdax", "ns-sector", "ns-devdax")) {
            assertTrue(first.text("out/" + step + ".err").startsWith(img + ": mapping map_sync (DAX file,"),
                    step + ": " + first.text("out/" + step + ".err"));
        }
        String dax = first.text("out/dax-device").trim();
        assertEquals("2097152", first.text("out/dax-align").trim(), "the devdax namespace's alignment");
        for (String step : List.of("dev-init", "dev-fsdax", "dev-raw")) {
            assertTrue(first.text("out/" + step + ".err").startsWith("/dev/" + dax + ": mapping devdax (device-dax,"),
                    step + ": " + first.text("out/" + step + ".err"));
        }
        String fileBefore = first.text("out/list-file.out");
        String devBefore = first.text("out/list-dev.out");
        assertEquals(3, count(fileBefore, "\"dev\":\"namespace0."), fileBefore);
        assertEquals(2, count(devBefore, "\"dev\":\"namespace0."), devBefore);

        NvdimmGuest.Boot second = NvdimmGuest.run(image, share, "dax-reset-2.sh", Duration.ofMinutes(5), kernel, initramfs);
        assertEquals(fileBefore, second.text("after/list-file.out"), "the image file on the DAX file system after the reset");
        assertEquals(devBefore, second.text("after/list-dev.out"), "the region on " + dax + " after the reset");
        System.err.printf("dax reset test: boots of %.1f s and %.1f s%n", first.wall().toMillis() / 1000.0,
                second.wall().toMillis() / 1000.0);
    }

    private static int count(String text, String what) {
        return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    /**
     * Puts pmemdump on the share: a jlink runtime (java.base and jdk.unsupported, with a CDS archive),
     * the libraries it needs beyond the initramfs's, this test's class path, and {@code pmemdump-batch}.
     */
    private static void packPmemdump(Path share) throws IOException {
        Path runtime = runtime();
        copyTree(runtime, share.resolve("rt"));
        Set<Path> libs = new LinkedHashSet<>();
        // The launcher and the VM name every system library the runtime's own libraries use.
        for (Path p : List.of(share.resolve("rt/bin/java"), share.resolve("rt/lib/server/libjvm.so"))) {
            GuestInitramfs.sharedLibraries(p).stream().filter(l -> !l.startsWith(share)).forEach(libs::add);
        }
        Path libDir = Files.createDirectories(share.resolve("lib"));
        for (Path l : libs) {
            Files.copy(l, libDir.resolve(l.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.createDirectories(share.resolve("cp"));
        List<String> guestPath = new ArrayList<>();
        String[] entries = System.getProperty("java.class.path").split(java.io.File.pathSeparator);
        for (int i = 0; i < entries.length; i++) {
            Path e = Path.of(entries[i]);
            if (!Files.exists(e)) {
                continue;
            }
            Path to = share.resolve("cp").resolve(i + (Files.isDirectory(e) ? "" : ".jar"));
            copyTree(e, to);
            guestPath.add("/share/cp/" + to.getFileName());
        }
        Files.writeString(share.resolve("pmemdump-batch"), "LD_LIBRARY_PATH=/share/lib exec /share/rt/bin/java "
                + JVM_OPTIONS + " -cp " + String.join(":", guestPath) + " " + GuestNdctlBatch.class.getName() + " \"$@\"\n");
    }

    /** Built once under target/ (jlink with a CDS archive takes most of a minute here). */
    private static Path runtime() throws IOException {
        Path out = Path.of("target", "kernel-guest", "pmemdump-runtime");
        if (Files.isExecutable(out.resolve("bin").resolve("java"))) {
            return out;
        }
        Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
        Path tmp = out.resolveSibling("pmemdump-runtime.tmp");
        Tools.run(List.of("rm", "-rf", tmp.toString()), null, 60).assertOk();
        Tools.run(List.of(jlink.toString(), "--add-modules", "java.base,jdk.unsupported", "--strip-debug",
                "--no-man-pages", "--no-header-files", "--generate-cds-archive", "--output", tmp.toString()), null, 600)
                .assertOk();
        return Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Tools.run(List.of("cp", "-a", from.toString(), to.toString()), null, 120).assertOk();
    }
}
