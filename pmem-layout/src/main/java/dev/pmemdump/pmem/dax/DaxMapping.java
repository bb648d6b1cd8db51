package dev.pmemdump.pmem.dax;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Direct mappings of persistent memory that {@code FileChannel.map} cannot make, through
 * {@code mmap(2)} called with the FFM {@link Linker}:
 * <ul>
 * <li>a file on an fsdax file system, mapped {@code MAP_SHARED_VALIDATE | MAP_SYNC} so that
 * metadata is durable when a store is; where the file system refuses MAP_SYNC (not DAX) the
 * mapping falls back to a normal shared one and the caller is told so;</li>
 * <li>a device-dax character device ({@code /dev/daxX.Y}), whose size and alignment come from
 * sysfs ({@code /sys/bus/dax/devices/daxX.Y/size}, {@code align}); mmap length must be a
 * multiple of that alignment.</li>
 * </ul>
 * {@link #force()} is {@code msync(MS_SYNC)}: on a DAX mapping the kernel writes back CPU caches.
 * Needs {@code --enable-native-access}.
 */
public final class DaxMapping implements AutoCloseable {
    private static final int O_RDONLY = 0, O_RDWR = 2, O_CLOEXEC = 0x80000;
    private static final int PROT_READ = 1, PROT_WRITE = 2;
    private static final int MAP_SHARED = 0x01, MAP_SHARED_VALIDATE = 0x03, MAP_SYNC = 0x80000;
    private static final int MS_SYNC = 4;
    private static final int EOPNOTSUPP = 95, EINVAL = 22;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = downcall("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle MMAP = downcall("mmap", FunctionDescriptor.of(ValueLayout.ADDRESS,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.JAVA_LONG));
    private static final MethodHandle MUNMAP = downcall("munmap",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle MSYNC = downcall("msync",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));

    private static MethodHandle downcall(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd, CAPTURE);
    }

    private final Path path;
    private final MemorySegment segment;
    private final boolean synchronous;
    private boolean closed;

    private DaxMapping(Path path, MemorySegment segment, boolean synchronous) {
        this.path = path;
        this.segment = segment;
        this.synchronous = synchronous;
    }

    /**
     * Maps all of {@code file} shared, with MAP_SYNC when the file system supports it; otherwise
     * {@code notice} receives one line saying so and a normal shared mapping is returned.
     */
    public static DaxMapping mapFile(Path file, boolean write, Consumer<String> notice) throws IOException {
        long size = Files.size(file);
        if (size == 0) {
            throw new IOException(file + ": empty file cannot be mapped");
        }
        try (Arena a = Arena.ofConfined()) {
            int fd = open(a, file, write);
            try {
                int prot = PROT_READ | (write ? PROT_WRITE : 0);
                MemorySegment state = a.allocate(CALL_STATE);
                MemorySegment addr = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, size, prot,
                        MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0L);
                if (addr.address() != -1L) {
                    return new DaxMapping(file, addr.reinterpret(size), true);
                }
                int errno = (int) ERRNO.get(state, 0L);
                if (errno != EOPNOTSUPP && errno != EINVAL) {
                    throw new IOException(file + ": mmap(MAP_SYNC) failed, errno " + errno);
                }
                notice.accept(file + ": MAP_SYNC not supported (file system not mounted with dax), "
                        + "using a normal shared mapping; force() still msyncs");
                addr = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, size, prot, MAP_SHARED, fd, 0L);
                if (addr.address() == -1L) {
                    throw new IOException(file + ": mmap failed, errno " + (int) ERRNO.get(state, 0L));
                }
                return new DaxMapping(file, addr.reinterpret(size), false);
            } finally {
                close(fd);
            }
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(file + ": native mmap failed", t);
        }
    }

    /** Size and alignment of a device-dax instance, from its sysfs directory. */
    public record DeviceGeometry(long size, long align) {}

    /** Reads {@code <sysfsDir>/size} and {@code <sysfsDir>/align} (e.g. /sys/bus/dax/devices/dax0.2). */
    public static DeviceGeometry geometry(Path sysfsDir) throws IOException {
        long size = Long.parseLong(Files.readString(sysfsDir.resolve("size")).trim());
        Path alignFile = sysfsDir.resolve("align");
        long align = Files.exists(alignFile) ? Long.parseLong(Files.readString(alignFile).trim()) : 4096;
        if (size <= 0 || align <= 0 || Long.bitCount(align) != 1 || size % align != 0) {
            throw new IOException(sysfsDir + ": size " + size + " / align " + align + " unusable for mmap");
        }
        return new DeviceGeometry(size, align);
    }

    /** Maps a whole device-dax character device ({@code /dev/daxX.Y}). */
    public static DaxMapping mapDevice(Path dev, boolean write) throws IOException {
        if (!Files.exists(dev)) {
            throw new NoSuchFileException(dev.toString());
        }
        DeviceGeometry g = geometry(Path.of("/sys/bus/dax/devices", dev.getFileName().toString()));
        try (Arena a = Arena.ofConfined()) {
            int fd = open(a, dev, write);
            try {
                MemorySegment state = a.allocate(CALL_STATE);
                MemorySegment addr = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, g.size(),
                        PROT_READ | (write ? PROT_WRITE : 0), MAP_SHARED, fd, 0L);
                if (addr.address() == -1L) {
                    throw new IOException(dev + ": mmap of " + g.size() + " bytes failed, errno "
                            + (int) ERRNO.get(state, 0L));
                }
                return new DaxMapping(dev, addr.reinterpret(g.size()), true);
            } finally {
                close(fd);
            }
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(dev + ": native mmap failed", t);
        }
    }

    private static int open(Arena a, Path p, boolean write) throws Throwable {
        MemorySegment state = a.allocate(CALL_STATE);
        int fd = (int) OPEN.invokeExact(state, a.allocateFrom(p.toString()), (write ? O_RDWR : O_RDONLY) | O_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException(p + ": open failed, errno " + (int) ERRNO.get(state, 0L));
        }
        return fd;
    }

    private static void close(int fd) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            int rc = (int) CLOSE.invokeExact(a.allocate(CALL_STATE), fd);
            if (rc != 0) {
                throw new IOException("close(" + fd + ") failed");
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("close failed", t);
        }
    }

    public Path path() {
        return path;
    }

    /** The mapped bytes; invalid after {@link #close()}. */
    public MemorySegment segment() {
        return segment;
    }

    /** True when stores are durable without fsync (MAP_SYNC or device-dax). */
    public boolean synchronous() {
        return synchronous;
    }

    /** {@code msync(MS_SYNC)} over the whole mapping. */
    public void force() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CALL_STATE);
            int rc = (int) MSYNC.invokeExact(state, segment, segment.byteSize(), MS_SYNC);
            if (rc != 0) {
                throw new IOException(path + ": msync failed, errno " + (int) ERRNO.get(state, 0L));
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(path + ": msync failed", t);
        }
    }

    /** munmap; idempotent. The segment must not be used afterwards. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (Arena a = Arena.ofConfined()) {
            int rc = (int) MUNMAP.invokeExact(a.allocate(CALL_STATE), segment, segment.byteSize());
            if (rc != 0) {
                throw new IOException(path + ": munmap failed");
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(path + ": munmap failed", t);
        }
    }
}
