package dev.pmemdump.images.kernel;

import dev.pmemdump.testing.Tools;
import dev.pmemdump.testing.OracleTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The newc writer against GNU cpio, which unpacks what it wrote. */
@OracleTest
class NewcArchiveTest {
    @TempDir
    Path dir;

    @Test
    void gnuCpioUnpacksFilesDirectoriesAndSymlinks() throws IOException {
        Path cpio = Tools.require("cpio");
        byte[] odd = new byte[4097];
        for (int i = 0; i < odd.length; i++) {
            odd[i] = (byte) (i * 31);
        }
        Path archive = dir.resolve("test.cpio");
        try (NewcArchive a = new NewcArchive(Files.newOutputStream(archive))) {
            a.directory("empty");
            a.file("usr/bin/tool", 0755, odd);
            a.file("etc/list", 0644, "a\nb\n".getBytes(StandardCharsets.US_ASCII));
            a.symlink("bin/sh", "busybox");
        }
        assertEquals(0, Files.size(archive) % 4, "entries are padded to 4 bytes");
        Path out = Files.createDirectories(dir.resolve("out"));
        Tools.run(List.of("sh", "-c", cpio + " -i -d --no-absolute-filenames --quiet < " + archive), out, 60).assertOk();

        assertTrue(Files.isDirectory(out.resolve("empty")));
        assertArrayEquals(odd, Files.readAllBytes(out.resolve("usr/bin/tool")));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("usr/bin/tool"))));
        assertEquals("a\nb\n", Files.readString(out.resolve("etc/list")));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("etc/list"))));
        assertEquals(Path.of("busybox"), Files.readSymbolicLink(out.resolve("bin/sh")));

        String listing = Tools.run(List.of("sh", "-c", cpio + " -t --quiet < " + archive), dir, 60).assertOk().stdout();
        assertEquals(List.of("empty", "usr", "usr/bin", "usr/bin/tool", "etc", "etc/list", "bin", "bin/sh"),
                listing.lines().toList(), "each parent before its first entry, each once");
    }
}
