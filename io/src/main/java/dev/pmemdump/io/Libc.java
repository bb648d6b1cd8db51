package dev.pmemdump.io;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * The one place that calls the C library (Linux x86_64/aarch64 glibc or musl), through the FFM
 * {@link Linker}: the calls the JDK does not offer (SEEK_DATA, MAP_SYNC, device-dax mmap,
 * fallocate, statx's DAX attribute, unshare/mount for a kexec loader, statfs's file system type).
 * Every failure is a {@link LibcException} carrying errno; when native access is denied or a
 * symbol is missing, the exception says so in one line with the fix, and nothing else in the
 * process is affected. Handles are resolved on first use, so a missing symbol only matters to its
 * caller.
 */
public final class Libc {
    public static final int O_RDONLY = 0, O_RDWR = 2, O_CLOEXEC = 0x80000;
    public static final int SEEK_DATA = 3, SEEK_HOLE = 4;
    public static final int PROT_READ = 1, PROT_WRITE = 2;
    public static final int MAP_SHARED = 0x01, MAP_SHARED_VALIDATE = 0x03, MAP_SYNC = 0x80000;
    public static final int MS_SYNC = 4;
    public static final int SYNC_FILE_RANGE_WRITE = 2;
    public static final int CLONE_NEWNS = 0x20000;
    public static final long MS_RDONLY = 1, MS_REC = 0x4000, MS_PRIVATE = 1 << 18;
    public static final int MNT_DETACH = 2;
    public static final int EPERM = 1, ENOENT = 2, ENXIO = 6, EINVAL = 22, ENOSPC = 28, ENOSYS = 38,
            EOPNOTSUPP = 95;
    /** statfs f_type of procfs, where /proc/vmcore lives. */
    public static final long PROC_SUPER_MAGIC = 0x9fa0;
    /** statx: the file is accessed as DAX (no page cache); Linux 5.8+. */
    public static final long STATX_ATTR_DAX = 0x00200000L;
    public static final int S_IFMT = 0xf000, S_IFREG = 0x8000, S_IFCHR = 0x2000, S_IFBLK = 0x6000;

    /** sizeof(struct statfs) is 120 on x86_64 and aarch64; room to spare. */
    private static final long STATFS_SIZE = 256;
    private static final int AT_FDCWD = -100, STATX_BASIC_STATS = 0x7ff, STATX_SIZE_BYTES = 256;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    /** errno is captured per thread right after the call, before the JVM can clobber it. */
    private static final ThreadLocal<MemorySegment> CALL_STATE = ThreadLocal.withInitial(
            () -> Arena.ofAuto().allocate(STATE));
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout PTR = ValueLayout.ADDRESS;

    private static final Fn OPEN = new Fn("open", FunctionDescriptor.of(INT, PTR, INT, INT));
    private static final Fn CLOSE = new Fn("close", FunctionDescriptor.of(INT, INT));
    private static final Fn LSEEK = new Fn("lseek", FunctionDescriptor.of(LONG, INT, LONG, INT));
    private static final Fn MMAP = new Fn("mmap", FunctionDescriptor.of(PTR, PTR, LONG, INT, INT, INT, LONG));
    private static final Fn MUNMAP = new Fn("munmap", FunctionDescriptor.of(INT, PTR, LONG));
    private static final Fn STATFS = new Fn("statfs", FunctionDescriptor.of(INT, PTR, PTR));
    private static final Fn MSYNC = new Fn("msync", FunctionDescriptor.of(INT, PTR, LONG, INT));
    private static final Fn FALLOCATE = new Fn("fallocate", FunctionDescriptor.of(INT, INT, INT, LONG, LONG));
    private static final Fn SYNC_FILE_RANGE = new Fn("sync_file_range", FunctionDescriptor.of(INT, INT, LONG, LONG, INT));
    private static final Fn STATX = new Fn("statx", FunctionDescriptor.of(INT, INT, PTR, INT, INT, PTR));
    private static final Fn UNSHARE = new Fn("unshare", FunctionDescriptor.of(INT, INT));
    private static final Fn MOUNT = new Fn("mount", FunctionDescriptor.of(INT, PTR, PTR, PTR, LONG, PTR));
    private static final Fn UMOUNT2 = new Fn("umount2", FunctionDescriptor.of(INT, PTR, INT));
    private static final Fn STRERROR = new Fn("strerror", FunctionDescriptor.of(PTR, INT));

    private Libc() {}

    /** Null when native calls work here, else the one-line reason with its fix. */
    public static String unavailableReason() {
        return CLOSE.failure();
    }

    /**
     * Links the calls a synced output's writeback makes ({@code open}, {@code sync_file_range},
     * {@code close}) ahead of their first use, e.g. on a thread of its own while the caller works:
     * linking a downcall generates code, milliseconds each. A failure is remembered as on first use.
     */
    public static void linkWriteback() {
        OPEN.failure();
        SYNC_FILE_RANGE.failure();
        CLOSE.failure();
    }

    /** {@code open(2)}; returns the descriptor. */
    public static int open(Path path, int flags) throws LibcException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment name = a.allocateFrom(path.toString());
            int fd = call(OPEN, path, h -> (int) h.invokeExact(state(), name, flags, 0));
            return fd >= 0 ? fd : fail(path, "open", fd);
        }
    }

    /** {@code close(2)}. */
    public static void close(Path path, int fd) throws LibcException {
        check(path, "close", call(CLOSE, path, h -> (int) h.invokeExact(state(), fd)));
    }

    /** {@code lseek(2)}: the new offset, or minus errno (SEEK_DATA's ENXIO is an answer, not a failure). */
    public static long lseek(Path path, int fd, long offset, int whence) throws LibcException {
        long r = call(LSEEK, path, h -> (long) h.invokeExact(state(), fd, offset, whence));
        return r >= 0 ? r : -errno();
    }

    /** {@code mmap(2)} of {@code [offset, offset + length)} of {@code fd}; the address, unsized. */
    public static MemorySegment mmap(Path path, long length, int prot, int flags, int fd, long offset)
            throws LibcException {
        MemorySegment addr = call(MMAP, path,
                h -> (MemorySegment) h.invokeExact(state(), MemorySegment.NULL, length, prot, flags, fd, offset));
        if (addr.address() == -1L) {
            fail(path, "mmap", -1);
        }
        return addr;
    }

    /** {@code munmap(2)} of a whole mapping. */
    public static void munmap(Path path, MemorySegment mapping) throws LibcException {
        check(path, "munmap", call(MUNMAP, path, h -> (int) h.invokeExact(state(), mapping, mapping.byteSize())));
    }

    /** {@code f_type} of {@code statfs(2)}: the magic number of the file system {@code path} is on. */
    public static long statfsType(Path path) throws LibcException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment name = a.allocateFrom(path.toString());
            // struct statfs: f_type is its first field, a long on the 64-bit ABIs (glibc and musl)
            MemorySegment buf = a.allocate(STATFS_SIZE, Long.BYTES);
            check(path, "statfs", call(STATFS, path, h -> (int) h.invokeExact(state(), name, buf)));
            return buf.get(LONG, 0);
        }
    }

    /** {@code msync(2)}; {@code range} must start on a page boundary. */
    public static void msync(Path path, MemorySegment range, int flags) throws LibcException {
        check(path, "msync", call(MSYNC, path, h -> (int) h.invokeExact(state(), range, range.byteSize(), flags)));
    }

    /** {@code fallocate(2)}: mode 0 allocates blocks for the range (ENOSPC now rather than SIGBUS later). */
    public static void fallocate(Path path, int fd, int mode, long offset, long length) throws LibcException {
        check(path, "fallocate", call(FALLOCATE, path, h -> (int) h.invokeExact(state(), fd, mode, offset, length)));
    }

    /** {@code sync_file_range(2)}: with {@link #SYNC_FILE_RANGE_WRITE}, starts writeback of the range's dirty pages. */
    public static void syncFileRange(Path path, int fd, long offset, long length, int flags) throws LibcException {
        check(path, "sync_file_range",
                call(SYNC_FILE_RANGE, path, h -> (int) h.invokeExact(state(), fd, offset, length, flags)));
    }

    /** What {@code statx(2)} says about a path (following symlinks); {@code blocks} in 512-byte units. */
    public record Statx(int mode, long size, long blocks, long attributes, long attributesMask, int rdevMajor,
                        int rdevMinor) {
        public boolean regularFile() {
            return (mode & S_IFMT) == S_IFREG;
        }

        public boolean charDevice() {
            return (mode & S_IFMT) == S_IFCHR;
        }

        /** The kernel reports this file as DAX (and knows the attribute). */
        public boolean dax() {
            return (attributesMask & STATX_ATTR_DAX) != 0 && (attributes & STATX_ATTR_DAX) != 0;
        }
    }

    public static Statx statx(Path path) throws LibcException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(STATX_SIZE_BYTES, 8);
            MemorySegment name = a.allocateFrom(path.toString());
            check(path, "statx", call(STATX, path,
                    h -> (int) h.invokeExact(state(), AT_FDCWD, name, 0, STATX_BASIC_STATS, buf)));
            return new Statx(Short.toUnsignedInt(buf.get(ValueLayout.JAVA_SHORT, 28)), buf.get(LONG, 40), buf.get(LONG, 48),
                    buf.get(LONG, 8), buf.get(LONG, 56), buf.get(INT, 128), buf.get(INT, 132));
        }
    }

    /**
     * {@code unshare(2)}. CLONE_NEWNS moves only the calling thread to the new mount namespace:
     * the mount and every use of it must happen on that thread.
     */
    public static void unshare(int flags) throws LibcException {
        Path self = Path.of("/proc/self");
        check(self, "unshare", call(UNSHARE, self, h -> (int) h.invokeExact(state(), flags)));
    }

    /** {@code mount(2)}; null strings are passed as NULL. */
    public static void mount(String source, Path target, String fsType, long flags, String data) throws LibcException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment src = cString(a, source), dst = cString(a, target.toString()), type = cString(a, fsType),
                    options = cString(a, data);
            check(target, "mount", call(MOUNT, target, h -> (int) h.invokeExact(state(), src, dst, type, flags, options)));
        }
    }

    /** {@code umount2(2)}. */
    public static void umount2(Path target, int flags) throws LibcException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment name = a.allocateFrom(target.toString());
            check(target, "umount2", call(UMOUNT2, target, h -> (int) h.invokeExact(state(), name, flags)));
        }
    }

    /** A downcall through {@code fn}'s handle; anything but a LibcException thrown on the way is named too. */
    private static <T> T call(Fn fn, Path path, Downcall<T> downcall) throws LibcException {
        MethodHandle h = fn.handle(path);
        try {
            return downcall.invoke(h);
        } catch (Throwable t) {
            throw LibcException.unexpected(path, fn.name, t);
        }
    }

    @FunctionalInterface
    private interface Downcall<T> {
        T invoke(MethodHandle h) throws Throwable;
    }

    /** The C library's text for an errno ("No space left on device"), or "errno N". */
    static String strerror(int errno) {
        try {
            MemorySegment s = call(STRERROR, null, h -> (MemorySegment) h.invokeExact(state(), errno));
            return s.address() == 0 ? "errno " + errno : s.reinterpret(256).getString(0);
        } catch (LibcException e) {
            return "errno " + errno;
        }
    }

    private static MemorySegment cString(Arena a, String s) {
        return s == null ? MemorySegment.NULL : a.allocateFrom(s);
    }

    private static MemorySegment state() {
        return CALL_STATE.get();
    }

    private static int errno() {
        return (int) ERRNO.get(state(), 0L);
    }

    private static void check(Path path, String call, int rc) throws LibcException {
        if (rc != 0) {
            fail(path, call, rc);
        }
    }

    private static int fail(Path path, String call, int rc) throws LibcException {
        int e = errno();
        throw new LibcException(path, call, e, strerror(e));
    }

    /** One libc function: resolved once, on first use; remembers why it cannot be called. */
    private static final class Fn {
        private final String name;
        private final FunctionDescriptor descriptor;
        private volatile MethodHandle handle;
        private volatile String failure;

        Fn(String name, FunctionDescriptor descriptor) {
            this.name = name;
            this.descriptor = descriptor;
        }

        MethodHandle handle(Path path) throws LibcException {
            MethodHandle h = handle;
            if (h != null) {
                return h;
            }
            String why = failure();
            if (why != null) {
                throw LibcException.unavailable(path, name, why);
            }
            return handle;
        }

        /** Resolves the handle if not done yet; null when callable, else why not. */
        synchronized String failure() {
            if (handle != null || failure != null) {
                return failure;
            }
            try {
                var symbol = LINKER.defaultLookup().find(name);
                if (symbol.isEmpty()) {
                    failure = "the C library has no " + name + "()";
                } else {
                    handle = LINKER.downcallHandle(symbol.get(), descriptor, Linker.Option.captureCallState("errno"));
                }
            } catch (IllegalCallerException e) {
                failure = "native access is denied: run java with --enable-native-access=ALL-UNNAMED "
                        + "(bin/pmemdump does)";
            }
            return failure;
        }
    }
}
