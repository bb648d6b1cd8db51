package dev.pmemdump.pmem.dax;

import dev.pmemdump.io.ImageClosedException;
import dev.pmemdump.io.LibcException;
import dev.pmemdump.io.MappedImage;
import dev.pmemdump.io.MappedImage.Access;
import dev.pmemdump.io.MappedImage.Mapping;
import dev.pmemdump.testing.UnitTest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The choice of mapping by what the path is, on this machine's kernel: a file on a non-DAX file
 * system gets the page-cache mapping silently; MAP_SYNC asked of such a file is refused by the
 * kernel and falls back with one line; a character device is mapped from its sysfs geometry.
 * (A real DAX file and a real /dev/daxX.Y are exercised by the QEMU guest test.)
 */
@UnitTest
class DaxMappingTest {
    @TempDir
    Path dir;

    @Test
    void regularFileGetsThePageCacheMappingSilently() throws IOException {
        Path f = dir.resolve("pmem.img");
        Files.write(f, new byte[8192]);
        List<String> notes = new ArrayList<>();
        try (MappedImage m = DaxMapping.open(f, Access.READ_WRITE, notes::add)) {
            assertEquals(Mapping.FILE, m.mapping(), "tmp is not a DAX file system");
            m.slice(4096, 10, "test").setString(0, "persisted");
            m.force(4096, 10);
            assertEquals(f + ": mapping file (page cache; durable after msync)", DaxMapping.describe(m));
        }
        assertEquals(List.of(), notes);
        assertEquals("persisted", new String(Files.readAllBytes(f), 4096, 9));
    }

    /** The kernel refuses MAP_SYNC on a page-cache file: one line, then the ordinary mapping that msync flushes. */
    @Test
    void mapSyncRefusedFallsBackWithOneLine() throws IOException {
        Path f = dir.resolve("not-dax.img");
        Files.write(f, new byte[8192]);
        List<String> notes = new ArrayList<>();
        try (MappedImage m = DaxMapping.mapSync(f, 8192, Access.READ_WRITE, notes::add)) {
            assertEquals(Mapping.FILE, m.mapping());
            m.slice(0, 8, "x").set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 42L);
            m.force(0, 8);
        }
        assertEquals(List.of(f + ": MAP_SYNC refused (mmap: Operation not supported): using the page-cache "
                + "mapping, made durable with msync"), notes);
        assertEquals(42, Files.readAllBytes(f)[0]);
    }

    @Test
    void readAfterCloseIsANamedErrorNotACrash() throws IOException {
        Path f = dir.resolve("img");
        Files.write(f, new byte[8192]);
        MappedImage m = DaxMapping.open(f, Access.READ_ONLY, s -> { });
        MemorySegment labels = m.slice(4096, 4096, "label area");
        m.close();
        assertThrows(IllegalStateException.class, () -> labels.get(ValueLayout.JAVA_BYTE, 0));
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> m.slice(0, 64, "index block"));
        assertInstanceOf(ImageClosedException.class, e.getCause());
    }

    @Test
    void deviceDaxGeometryFromSysfs() throws IOException {
        Files.writeString(dir.resolve("size"), "130023424\n");
        Files.writeString(dir.resolve("align"), "2097152\n");
        assertEquals(new DaxMapping.DeviceGeometry(130023424, 2097152), DaxMapping.geometry(dir));
        Files.writeString(dir.resolve("align"), "3000\n");
        IOException bad = assertThrows(IOException.class, () -> DaxMapping.geometry(dir));
        assertEquals(dir + ": size 130023424 / align 3000 unusable for mmap", bad.getMessage());
        Files.delete(dir.resolve("align"));
        assertEquals(new DaxMapping.DeviceGeometry(130023424, 4096), DaxMapping.geometry(dir), "before Linux 5.10");
    }

    /** A character device goes the device-dax way: its sysfs entry by major:minor, then mmap of its size. */
    @Test
    void characterDevicesAreMappedFromTheirSysfsEntry() throws IOException {
        Path sys = Files.createDirectories(dir.resolve("sys/1:3"));
        IOException none = assertThrows(IOException.class,
                () -> DaxMapping.open(Path.of("/dev/null"), Access.READ_ONLY, s -> { }, dir.resolve("sys")));
        assertEquals(sys + ": no size attribute: not a device-dax character device", none.getMessage());
        Files.writeString(sys.resolve("size"), "2097152\n");
        Files.writeString(sys.resolve("align"), "2097152\n");
        LibcException e = assertThrows(LibcException.class,
                () -> DaxMapping.open(Path.of("/dev/null"), Access.READ_ONLY, s -> { }, dir.resolve("sys")));
        assertEquals("mmap", e.call(), "the geometry was read and the device mapped with it: " + e.getMessage());
        assertEquals("/dev/null: mmap: No such device", e.getMessage());
    }
}
