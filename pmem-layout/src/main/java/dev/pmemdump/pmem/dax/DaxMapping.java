package dev.pmemdump.pmem.dax;

import dev.pmemdump.io.Libc;
import dev.pmemdump.io.LibcException;
import dev.pmemdump.io.MappedImage;
import dev.pmemdump.io.MappedImage.Access;
import dev.pmemdump.io.MappedImage.Mapping;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Maps a region image the way what it is asks for, and hands back a {@link MappedImage} that owns
 * the mapping (its arena unmaps on close; slices are bounds-checked; use after close is a named
 * error):
 * <ul>
 * <li>a regular file the kernel reports as DAX ({@code statx} STATX_ATTR_DAX: an fsdax file system
 * mounted {@code -o dax}) is mapped {@code MAP_SHARED_VALIDATE | MAP_SYNC}, so a store that is
 * flushed is durable with the file's metadata, no fsync. Where the kernel refuses MAP_SYNC
 * (EOPNOTSUPP, or EINVAL before Linux 4.15) the caller gets one line saying so and the page-cache
 * mapping, whose flush is msync;</li>
 * <li>a device-dax character device ({@code /dev/daxX.Y}) is mapped whole, with its size and
 * alignment from {@code /sys/dev/char/MAJOR:MINOR/{size,align}};</li>
 * <li>anything else gets the ordinary page-cache mapping, exactly as {@link MappedImage#open}.</li>
 * </ul>
 */
public final class DaxMapping {
    /** Where {@code /sys/dev/char/M:m} lives; tests point it at a directory of their own. */
    private static final Path SYS_DEV_CHAR = Path.of("/sys/dev/char");

    private DaxMapping() {}

    /** Maps all of {@code path} as {@link DaxMapping} describes; {@code notice} receives fallbacks. */
    public static MappedImage open(Path path, Access access, Consumer<String> notice) throws IOException {
        return open(path, access, notice, SYS_DEV_CHAR);
    }

    static MappedImage open(Path path, Access access, Consumer<String> notice, Path sysDevChar) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such file");
        }
        Libc.Statx st;
        try {
            st = Libc.statx(path);
        } catch (LibcException e) {
            if (Files.isRegularFile(path)) {
                return MappedImage.open(path, access); // cannot ask about DAX: the ordinary mapping is always right
            }
            throw e;
        }
        if (st.charDevice()) {
            return mapDevice(path, access, sysDevChar.resolve(st.rdevMajor() + ":" + st.rdevMinor()));
        }
        if (st.regularFile() && st.dax() && st.size() > 0) {
            return mapSync(path, st.size(), access, notice);
        }
        return MappedImage.open(path, access);
    }

    /**
     * Creates (or truncates) a sparse all-zero file of {@code size} bytes as {@link MappedImage#create}
     * does, then maps it read-write as {@link #open} would.
     */
    public static MappedImage create(Path path, long size, Consumer<String> notice) throws IOException {
        MappedImage created = MappedImage.create(path, size);
        Libc.Statx st;
        try {
            st = Libc.statx(path);
        } catch (LibcException e) {
            return created;
        }
        if (!st.dax()) {
            return created;
        }
        created.close();
        // MAP_SYNC makes stores durable, not the file's creation: its size and directory entry are
        // synced here so that a reset right after a durable store still finds the file.
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        try (FileChannel dir = FileChannel.open(path.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
        return mapSync(path, size, Access.READ_WRITE, notice);
    }

    static MappedImage mapSync(Path path, long size, Access access, Consumer<String> notice)
            throws IOException {
        boolean write = access == Access.READ_WRITE;
        int fd = Libc.open(path, (write ? Libc.O_RDWR : Libc.O_RDONLY) | Libc.O_CLOEXEC);
        try {
            MemorySegment addr = Libc.mmap(path, size, prot(write), Libc.MAP_SHARED_VALIDATE | Libc.MAP_SYNC, fd, 0);
            return MappedImage.ofNative(path, addr, size, access, Mapping.MAP_SYNC);
        } catch (LibcException e) {
            if (e.errno() != Libc.EOPNOTSUPP && e.errno() != Libc.EINVAL) {
                throw e;
            }
            notice.accept(path + ": MAP_SYNC refused (" + e.getMessage().substring(path.toString().length() + 2)
                    + "): using the page-cache mapping, made durable with msync");
            return MappedImage.open(path, access);
        } finally {
            Libc.close(path, fd);
        }
    }

    /** Size and alignment of a device-dax instance, from its sysfs directory. */
    public record DeviceGeometry(long size, long align) {}

    /**
     * Reads {@code <sysfsDir>/size} and {@code <sysfsDir>/align} (Linux 5.10+; older kernels have no
     * per-device alignment and a page is what mmap then needs).
     */
    public static DeviceGeometry geometry(Path sysfsDir) throws IOException {
        Path sizeFile = sysfsDir.resolve("size");
        if (!Files.isRegularFile(sizeFile)) {
            throw new IOException(sysfsDir + ": no size attribute: not a device-dax character device");
        }
        long size = number(sizeFile);
        Path alignFile = sysfsDir.resolve("align");
        long align = Files.exists(alignFile) ? number(alignFile) : 4096;
        if (size <= 0 || align <= 0 || Long.bitCount(align) != 1 || size % align != 0) {
            throw new IOException(sysfsDir + ": size " + size + " / align " + align + " unusable for mmap");
        }
        return new DeviceGeometry(size, align);
    }

    private static long number(Path attr) throws IOException {
        String text = Files.readString(attr).trim();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException(attr + ": not a number: '" + text + "'");
        }
    }

    /** Maps a whole device-dax character device; mmap's length is its size, a multiple of its alignment. */
    private static MappedImage mapDevice(Path dev, Access access, Path sysfsDir) throws IOException {
        DeviceGeometry g = geometry(sysfsDir);
        boolean write = access == Access.READ_WRITE;
        int fd = Libc.open(dev, (write ? Libc.O_RDWR : Libc.O_RDONLY) | Libc.O_CLOEXEC);
        try {
            MemorySegment addr = Libc.mmap(dev, g.size(), prot(write), Libc.MAP_SHARED, fd, 0);
            return MappedImage.ofNative(dev, addr, g.size(), access, Mapping.DEVICE_DAX);
        } finally {
            Libc.close(dev, fd);
        }
    }

    private static int prot(boolean write) {
        return Libc.PROT_READ | (write ? Libc.PROT_WRITE : 0);
    }

    /** The {@code -v} line: which mapping an image got and what makes its stores durable. */
    public static String describe(MappedImage image) {
        return image.path() + ": mapping " + image.mapping().label() + " (" + switch (image.mapping()) {
            case FILE -> "page cache; durable after msync";
            case MAP_SYNC -> "DAX file, MAP_SHARED_VALIDATE|MAP_SYNC; durable once flushed, no fsync";
            case DEVICE_DAX -> "device-dax, 0x" + Long.toHexString(image.size()) + " bytes; stores go to the media";
        } + ")";
    }
}
