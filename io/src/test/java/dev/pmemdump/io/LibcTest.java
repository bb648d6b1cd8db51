package dev.pmemdump.io;

import dev.pmemdump.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The libc binding against the kernel itself: errno, statx, mmap ownership, statfs, fallocate, unshare + mount. */
@UnitTest
class LibcTest {
    @TempDir
    Path dir;

    @Test
    void failuresCarryErrnoAndName() {
        Path missing = dir.resolve("missing");
        LibcException e = assertThrows(LibcException.class, () -> Libc.open(missing, Libc.O_RDONLY));
        assertEquals(Libc.ENOENT, e.errno());
        assertEquals("open", e.call());
        assertFalse(e.unavailable());
        assertEquals(missing + ": open: No such file or directory", e.getMessage());
        assertNull(Libc.unavailableReason(), "tests run with --enable-native-access");
    }

    @Test
    void statxTellsFilesFromDevices() throws IOException {
        Path f = dir.resolve("f");
        Files.write(f, new byte[12345]);
        Libc.Statx s = Libc.statx(f);
        assertTrue(s.regularFile());
        assertEquals(12345, s.size());
        Libc.Statx nul = Libc.statx(Path.of("/dev/null"));
        assertTrue(nul.charDevice());
        assertEquals(1, nul.rdevMajor(), "/dev/null is 1:3");
        assertEquals(3, nul.rdevMinor());
    }

    /** An adopted native mapping: stores reach the file, close unmaps, a later use is an error, not a crash. */
    @Test
    void nativeMappingIsOwnedAndUnmappedOnClose() throws IOException {
        Path f = dir.resolve("img");
        Files.write(f, new byte[3 * 4096]);
        int fd = Libc.open(f, Libc.O_RDWR | Libc.O_CLOEXEC);
        MemorySegment addr;
        try {
            addr = Libc.mmap(f, 3 * 4096, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd, 0);
        } finally {
            Libc.close(f, fd);
        }
        MappedImage img = MappedImage.ofNative(f, addr, 3 * 4096, MappedImage.Access.READ_WRITE,
                MappedImage.Mapping.MAP_SYNC);
        MemorySegment label = img.slice(4096 + 100, 8, "label");
        label.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 0x0123456789abcdefL);
        img.force(4096 + 100, 8);
        img.close();
        assertEquals(0x0123456789abcdefL, java.nio.ByteBuffer.wrap(Files.readAllBytes(f), 4196, 8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
        assertThrows(IllegalStateException.class, () -> label.get(ValueLayout.JAVA_LONG_UNALIGNED, 0),
                "a stale slice fails in Java: the arena is closed");
        var e = assertThrows(java.io.UncheckedIOException.class, () -> img.slice(0, 8, "index block"));
        assertInstanceOf(ImageClosedException.class, e.getCause());
        assertEquals(f + ": index block: image already closed (unmapped)", e.getCause().getMessage());
        img.close();
    }

    /** statfs tells procfs (where /proc/vmcore is) from the file system of a temporary file. */
    @Test
    void statfsTellsProcFromOtherFileSystems() throws IOException {
        Path f = Files.writeString(dir.resolve("f"), "x");
        assertEquals(Libc.PROC_SUPER_MAGIC, Libc.statfsType(Path.of("/proc/self/status")));
        assertNotEquals(Libc.PROC_SUPER_MAGIC, Libc.statfsType(f));
        LibcException e = assertThrows(LibcException.class, () -> Libc.statfsType(dir.resolve("missing")));
        assertEquals(Libc.ENOENT, e.errno());
        assertEquals("statfs", e.call());
    }

    @Test
    void fallocateReservesBlocksOfASparseFile() throws IOException {
        Path f = dir.resolve("sparse");
        try (MappedImage m = MappedImage.create(f, 64L << 20)) {
            long before = Libc.statx(f).blocks();
            assertTrue(m.reserve(8L << 20, 1 << 20), "tmp file systems support fallocate");
            assertTrue(Libc.statx(f).blocks() - before >= (1 << 20) / 512, "1 MiB of blocks allocated");
        }
        assertEquals(64L << 20, Files.size(f), "fallocate mode 0 inside the file keeps its size");
    }

    /** unshare(CLONE_NEWNS) then a private tmpfs mount, in a child JVM so that this one keeps its mounts. */
    @Test
    void unshareAndMountInAChildJvm() throws Exception {
        Path target = Files.createDirectory(dir.resolve("mnt"));
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), PrivateMount.class.getName(), target.toString()))
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM finished");
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assumeTrue(!out.contains("unshare: Operation not permitted"), "unshare denied here: " + out);
        assertEquals(0, p.exitValue(), out);
        assertEquals("tmpfs mounted privately; marker written; unmounted", out);
        try (var s = Files.list(target)) {
            assertEquals(0, s.count(), "the child's mount never showed in this namespace");
        }
    }

    /** Without native access the binding says so in one line, with the fix; nothing crashes. */
    @Test
    void deniedNativeAccessIsOneLineWithTheFix() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(List.of(java, "--illegal-native-access=deny", "-cp",
                System.getProperty("java.class.path"), NoNativeAccess.class.getName()))
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM finished");
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertEquals(0, p.exitValue(), out);
        assertEquals("/dev/null: open: cannot call the C library: native access is denied: run java with "
                + "--enable-native-access=ALL-UNNAMED (bin/pmemdump does)", out);
    }

    /** Child JVM: opening any file through Libc, native access denied. */
    public static final class NoNativeAccess {
        public static void main(String[] args) {
            try {
                Libc.open(Path.of("/dev/null"), Libc.O_RDONLY);
                System.out.println("opened: native access was granted after all");
            } catch (LibcException e) {
                System.out.println(e.unavailable() ? e.getMessage() : "errno " + e.errno());
            }
        }
    }

    /** Child JVM: all on the main thread, which is the one unshare(2) moves to the new namespace. */
    public static final class PrivateMount {
        public static void main(String[] args) throws IOException {
            Path target = Path.of(args[0]);
            try {
                Libc.unshare(Libc.CLONE_NEWNS);
                Libc.mount(null, Path.of("/"), null, Libc.MS_REC | Libc.MS_PRIVATE, null);
                Libc.mount("tmpfs", target, "tmpfs", 0, "size=64k");
                Files.writeString(target.resolve("marker"), "x");
                boolean listed = Files.readString(Path.of("/proc/thread-self/mountinfo")).contains(" " + target + " ");
                Libc.umount2(target, Libc.MNT_DETACH);
                System.out.println(listed ? "tmpfs mounted privately; marker written; unmounted" : "not in mountinfo");
            } catch (LibcException e) {
                System.out.println(e.getMessage());
                System.exit(1);
            }
        }
    }
}
