package dev.pmemdump.cli;

import dev.pmemdump.testing.OracleTest;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.Tools;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/install into a temporary prefix, then the installed commands run as kdump runs them:
 * with no JDK anywhere in their environment ({@code env -i PATH=/usr/bin:/bin}), through the
 * kdump-tools snippet and inside an initramfs built by dracut with the shipped module. Needs the
 * packaged jar (run after {@code mvn package}; the integration-test phase is), about two minutes.
 */
@OracleTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InstallTest {
    static final long MIB = 1L << 20;

    @TempDir
    static Path dir;
    static Path root;
    static Path prefix;
    static Path vmcore;
    static Path theirs;

    @BeforeAll
    static void install() {
        root = Fixtures.root().getParent();
        Path jar = root.resolve("cli/target/pmemdump.jar");
        Assumptions.assumeTrue(Files.exists(jar), "needs cli/target/pmemdump.jar: run after mvn package");
        Tools.Run stale = Tools.run(List.of("find", root.toString(), "-path", "*/src/main/*", "-newer", jar.toString(),
                "-print", "-quit"), root, 60);
        Assumptions.assumeTrue(stale.stdout().isBlank(), "cli/target/pmemdump.jar is older than " + stale.stdout());
        prefix = dir.resolve("prefix");
        Tools.run(List.of(root.resolve("scripts/install").toString(), "--prefix", prefix.toString()), root, 600)
                .assertOk();
        vmcore = Fixtures.unzstd("linux-6.1-qemu/kdump-file/vmcore.raw.zst");
        theirs = dir.resolve("makedumpfile-c31.kdump");
        Tools.run(List.of(Tools.require("makedumpfile").toString(), "-c", "-d", "31", vmcore.toString(),
                theirs.toString()), dir, 120).assertOk();
    }

    /** The installed command with nothing from this environment: no JAVA_HOME, no JDK on PATH. */
    static Tools.Run bare(String command, String... args) {
        List<String> cl = new ArrayList<>(List.of("env", "-i", "PATH=/usr/bin:/bin", prefix.resolve(command).toString()));
        cl.addAll(List.of(args));
        return Tools.run(cl, dir, 300);
    }

    @Test
    void treeIsSelfContainedAndWithinBudget() throws IOException {
        Path tree = prefix.resolve("lib/pmemdump").toRealPath();
        long bytes;
        try (Stream<Path> files = Files.walk(tree)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        assertTrue(bytes <= 64 * MIB, "tree " + bytes + " bytes");
        String release = Files.readString(tree.resolve("runtime/release"));
        assertTrue(release.contains("MODULES=\"java.base jdk.unsupported\""), release);
        assertTrue(Files.exists(tree.resolve("pmemdump.aot")), "AOT cache");
        for (String f : List.of("bin/pmemdump", "sbin/makedumpfile", "share/man/man1/pmemdump.1",
                "share/man/man8/makedumpfile.8", "share/bash-completion/completions/pmemdump",
                "share/bash-completion/completions/makedumpfile",
                "share/pmemdump/kdump-tools/kdump-tools.pmemdump", "share/pmemdump/dracut/99pmemdump/module-setup.sh")) {
            assertTrue(Files.isRegularFile(prefix.resolve(f)), f);
        }
        String man = Files.readString(prefix.resolve("share/man/man1/pmemdump.1"));
        assertTrue(man.contains(".SS \"pmemdump ndctl create\\-namespace\""), "a sub-verb of the picocli model");
        assertTrue(man.contains(".B \\-\\-image \\fIIMAGE\\fR") || man.contains("\\-\\-image"), "its options");
        String completion = Files.readString(prefix.resolve("share/bash-completion/completions/pmemdump"));
        assertTrue(completion.contains("makedumpfile") && completion.contains("create-namespace"), "completion");
    }

    @Test
    void versionAndCheckParamsWithoutAJdk() {
        Tools.Run v = bare("sbin/makedumpfile", "-v");
        assertEquals(0, v.exitCode(), v.stderr());
        assertTrue(v.stdout().startsWith("makedumpfile: version 1.7.2 (pmemdump "), v.stdout());
        assertEquals("", v.stderr());
        Tools.Run version = bare("bin/pmemdump", "--version");
        assertEquals(0, version.exitCode(), version.stderr());
        assertTrue(version.stdout().startsWith("pmemdump "), version.stdout());
        // mkdumprd's check, on placeholder names: nothing is read
        Tools.Run check = bare("sbin/makedumpfile", "--check-params", "-l", "--message-level", "7", "-d", "31",
                "vmcore", "dumpfile");
        assertEquals(0, check.exitCode(), check.stdout() + check.stderr());
        assertEquals("", check.stdout() + check.stderr());
        assertEquals(1, bare("sbin/makedumpfile", "--check-params", "-d", "64", "vmcore", "dumpfile").exitCode());
    }

    /** The real 6.1 vmcore: byte for byte makedumpfile's -c dump; peak RSS recorded. */
    @Test
    void filtersTheRealVmcoreLikeMakedumpfile() throws IOException {
        Path ours = dir.resolve("installed-c31.kdump");
        List<String> cl = List.of("/usr/bin/time", "-v", "env", "-i", "PATH=/usr/bin:/bin",
                prefix.resolve("sbin/makedumpfile").toString(), "-c", "-d", "31", vmcore.toString(), ours.toString());
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/time")), "needs /usr/bin/time");
        Tools.Run r = Tools.run(cl, dir, 300);
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("makedumpfile Completed."), r.stdout());
        assertEquals(-1, Files.mismatch(theirs, ours));
        long peakKib = Long.parseLong(r.stderr().lines().filter(l -> l.contains("Maximum resident set size"))
                .findFirst().orElseThrow().replaceAll("\\D", ""));
        Files.writeString(root.resolve("cli/target/install-peak-rss.txt"), "installed makedumpfile -c -d 31 on the "
                + "linux-6.1 vmcore (" + Files.size(vmcore) + " bytes): peak RSS " + peakKib + " KiB\n");
    }

    @Test
    void refusesAnExistingDumpfileLikeMakedumpfile() {
        Tools.Run real = Tools.run(List.of(Tools.require("makedumpfile").toString(), "-c", "-d", "31",
                vmcore.toString(), theirs.toString()), dir, 120);
        Tools.Run ours = bare("sbin/makedumpfile", "-c", "-d", "31", vmcore.toString(), theirs.toString());
        assertEquals(real.exitCode(), ours.exitCode());
        assertEquals(1, ours.exitCode());
        assertTrue(ours.stdout().contains("File exists") || ours.stderr().contains("File exists"));
    }

    /**
     * kdump-tools: kdump-config sets PATH=/bin:/usr/bin:/sbin:/usr/sbin, reads /etc/default/kdump-tools
     * (the shipped snippet appended), then runs "makedumpfile $MAKEDUMP_ARGS /proc/vmcore | compress"
     * and "makedumpfile --dump-dmesg". The flattened stream, rebuilt, is makedumpfile's -c dump.
     */
    @Test
    void kdumpToolsRunsItFromTheSnippet() throws IOException {
        Path flat = dir.resolve("kdump-tools.flat");
        Path rebuilt = dir.resolve("kdump-tools.kdump");
        Path dmesg = dir.resolve("kdump-tools.dmesg");
        String script = "PATH=/bin:/usr/bin:/sbin:/usr/sbin\n"
                + ". " + prefix.resolve("share/pmemdump/kdump-tools/kdump-tools.pmemdump") + "\n"
                + "[ \"$(command -v makedumpfile)\" = " + prefix.resolve("sbin/makedumpfile") + " ] || exit 9\n"
                + "makedumpfile $MAKEDUMP_ARGS " + vmcore + " | cat > " + flat + " || exit 10\n"
                + "makedumpfile --dump-dmesg " + vmcore + " " + dmesg + " || exit 11\n"
                + "makedumpfile -R " + rebuilt + " < " + flat + " || exit 12\n";
        Tools.Run r = Tools.run(List.of("env", "-i", "sh", "-c", script), dir, 300);
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertEquals(-1, Files.mismatch(theirs, rebuilt));
        assertTrue(Files.readString(dmesg).contains("Linux version 6.1"), "dmesg");
        Path kdumpConfig = Path.of("/usr/sbin/kdump-config");
        if (Files.exists(kdumpConfig)) {
            // the facts the snippet relies on, in the installed kdump-tools
            String kc = Files.readString(kdumpConfig);
            int path = kc.indexOf("\nPATH=/bin:/usr/bin:/sbin:/usr/sbin\n");
            int defaults = kc.indexOf("[ -r $KDUMP_DEFAULTS ] && . $KDUMP_DEFAULTS");
            assertTrue(path >= 0 && defaults > path, "kdump-config sets PATH, then reads the defaults");
        }
    }

    /** The dracut module's functions with dracut's install helpers stubbed: what lands in the image. */
    @Test
    void dracutModuleInstallsTheTree() throws IOException {
        Path initdir = dir.resolve("stub-initdir");
        Files.createDirectories(initdir.resolve("usr/sbin"));
        Files.writeString(initdir.resolve("usr/sbin/makedumpfile"), "the host's makedumpfile, as kdumpbase put it");
        String script = "set -e\ninitdir=" + initdir + "\n"
                + "inst_simple() { mkdir -p \"$initdir$(dirname \"$1\")\"; cp -a \"$1\" \"$initdir$1\"; }\n"
                + "inst_library() { echo \"$1\" >> \"$initdir/.libraries\"; }\n"
                + ". " + prefix.resolve("share/pmemdump/dracut/99pmemdump/module-setup.sh") + "\n"
                + "rc=0; check || rc=$?; [ $rc = 255 ] || exit 9\n"
                + "install\n";
        Tools.Run r = Tools.run(List.of("bash", "-c", script), dir, 120);
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        Path tree = prefix.resolve("lib/pmemdump").toRealPath();
        Path inImage = Path.of(initdir + tree.toString());
        assertTrue(Files.isExecutable(inImage.resolve("runtime/bin/java")));
        assertTrue(Files.exists(inImage.resolve("runtime/lib/server/libjvm.so")));
        assertTrue(Files.exists(inImage.resolve("pmemdump.jar")));
        assertFalse(Files.exists(inImage.resolve("pmemdump.aot")), "the AOT cache stays out of the capture RAM");
        assertEquals(tree.getFileName(), Files.readSymbolicLink(Path.of(initdir + prefix.resolve("lib/pmemdump").toString())));
        assertEquals(prefix.resolve("sbin/makedumpfile"), Files.readSymbolicLink(initdir.resolve("usr/sbin/makedumpfile")));
        List<String> libs = Files.readAllLines(initdir.resolve(".libraries"));
        assertTrue(libs.stream().anyMatch(l -> l.matches(".*/libc\\.so\\.6")), libs.toString());
        assertTrue(libs.stream().anyMatch(l -> l.matches(".*/libdl\\.so\\.2")), libs.toString());
    }

    /**
     * A real dracut image with the module (when dracut is installed and we are root): the initramfs
     * alone, with /proc mounted as in the capture kernel, runs -v, mkdumprd's --check-params and the
     * kdump.conf core_collector on the vmcore, and writes the host's dump.
     */
    @Test
    void dracutImageRunsTheCoreCollector() throws IOException {
        Assumptions.assumeTrue(Tools.find("dracut") != null && Tools.find("unshare") != null, "needs dracut, unshare");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root (chroot, mount)");
        Path base = dir.resolve("dracut-base");
        Tools.run(List.of("cp", "-as", "/usr/lib/dracut/.", base + "/"), dir, 60).assertOk();
        Tools.run(List.of("rm", "-rf", base.resolve("modules.d/99pmemdump").toString()), dir, 60).assertOk();
        Tools.run(List.of("cp", "-r", prefix.resolve("share/pmemdump/dracut/99pmemdump").toString(),
                base.resolve("modules.d/").toString()), dir, 60).assertOk();
        Path image = dir.resolve("initramfs.img");
        Tools.run(List.of("env", "dracutbasedir=" + base, "dracut", "--no-kernel", "--no-hostonly", "--no-compress",
                "-m", "base pmemdump", "--force", "--tmpdir", dir.toString(), image.toString()), dir, 300).assertOk();
        Path unpacked = dir.resolve("initramfs");
        Files.createDirectories(unpacked);
        Tools.run(List.of("sh", "-c", "cpio -id --quiet < " + image), unpacked, 120).assertOk();
        Files.createDirectories(unpacked.resolve("proc"));
        Files.createFile(unpacked.resolve("vmcore"));
        String inside = "mount -t proc proc " + unpacked.resolve("proc") + " && mount --bind " + vmcore + " "
                + unpacked.resolve("vmcore") + " && exec chroot " + unpacked + " /bin/sh -c '"
                + "makedumpfile -v && makedumpfile --check-params -l --message-level 7 -d 31 vmcore dumpfile "
                + "&& makedumpfile -c --message-level 7 -d 31 /vmcore /dump'";
        Tools.Run r = Tools.run(List.of("unshare", "-m", "--propagation", "private", "--fork", "sh", "-c", inside),
                dir, 300);
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().startsWith("makedumpfile: version 1.7.2 (pmemdump "), r.stdout());
        assertEquals(-1, Files.mismatch(theirs, unpacked.resolve("dump")));
    }

    /** Last: re-running install upgrades in place (one tree left); --uninstall leaves nothing of ours. */
    @Test
    @Order(Integer.MAX_VALUE)
    void upgradeThenUninstall() throws IOException {
        Path install = root.resolve("scripts/install");
        Path first = prefix.resolve("lib/pmemdump").toRealPath();
        Tools.run(List.of(install.toString(), "--prefix", prefix.toString(), "--no-aot"), root, 600).assertOk();
        Path second = prefix.resolve("lib/pmemdump").toRealPath();
        assertFalse(first.equals(second));
        assertFalse(Files.exists(first), "the old tree is gone");
        assertEquals(0, bare("sbin/makedumpfile", "-v").exitCode());
        Tools.run(List.of(install.toString(), "--prefix", prefix.toString(), "--uninstall"), root, 120).assertOk();
        try (Stream<Path> left = Files.walk(prefix)) {
            assertEquals(List.of(), left.filter(p -> !Files.isDirectory(p)).toList());
        }
        // a makedumpfile that is not ours is never replaced (checked before anything is built)
        Files.writeString(prefix.resolve("sbin/makedumpfile"), "#!/bin/sh\necho real\n");
        Tools.Run refused = Tools.run(List.of(install.toString(), "--prefix", prefix.toString()), root, 120);
        assertEquals(1, refused.exitCode());
        assertTrue(refused.stderr().contains("is not pmemdump's launcher"), refused.stderr());
        Tools.run(List.of(install.toString(), "--prefix", prefix.toString(), "--uninstall"), root, 120).assertOk();
        assertTrue(Files.exists(prefix.resolve("sbin/makedumpfile")), "--uninstall keeps what is not ours");
    }
}
