package dev.pmemdump.loadplan.stock;

import dev.pmemdump.testing.OracleTest;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The private mount namespace for real (root and util-linux's unshare), with a stand-in for kexec. */
@OracleTest
class StockKernelLoadTest {
    @Test
    void kexecSeesTheRelabelledCopyAndNobodyElseDoes(@TempDir Path dir) throws Exception {
        Path unshare = Tools.require("unshare");
        String before = Files.readString(Path.of("/proc/iomem"));
        RelabelledIomem iomem = RelabelledIomem.of("40-iomem.txt",
                Fixtures.text("linux-6.1-qemu-pmem-kdump/stock-load-hard-layouts/first-kernel/40-iomem.txt"));
        Path fakeKexec = dir.resolve("kexec");
        Files.writeString(fakeKexec, "#!/bin/sh\ncat /proc/iomem > \"" + dir.resolve("seen") + "\"\necho \"$@\" > \""
                + dir.resolve("args") + "\"\nexit 3\n");
        Files.setPosixFilePermissions(fakeKexec, PosixFilePermissions.fromString("rwx------"));
        StockKernelLoad load = new StockKernelLoad(unshare, fakeKexec);
        int status = load.run(iomem, List.of("-c", "-p", "/boot/vmlinuz"));
        assertEquals(3, status, "kexec's exit status is passed on");
        assertEquals(iomem.text(), Files.readString(dir.resolve("seen")));
        assertEquals("-c -p /boot/vmlinuz\n", Files.readString(dir.resolve("args")));
        String after = Files.readString(Path.of("/proc/iomem"));
        assertEquals(before, after, "the global /proc/iomem is never touched");
        assertNotEquals(iomem.text(), after);
        try (var left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertEquals(0, left.filter(p -> p.getFileName().toString().startsWith("pmemdump-iomem-")).count(),
                    "the relabelled copy is removed");
        }
    }
}
