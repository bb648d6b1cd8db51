package dev.pmemdump.pmem.dax;

import dev.pmemdump.testing.UnitTest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What can be tested without pmem hardware: a file on a non-DAX file system refuses MAP_SYNC, we
 * say so and fall back; stores through the native mapping reach the file after force(); sysfs
 * geometry parsing of device-dax.
 */
@UnitTest
class DaxMappingTest {
    @Test
    void mapSyncFallsBackOnNonDaxFileSystems(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("pmem.img");
        Files.write(f, new byte[8192]);
        List<String> notes = new ArrayList<>();
        try (DaxMapping m = DaxMapping.mapFile(f, true, notes::add)) {
            if (!m.synchronous()) {
                assertEquals(1, notes.size());
                assertTrue(notes.get(0).contains("MAP_SYNC not supported"), notes.get(0));
            }
            m.segment().setString(4096, "persisted");
            m.force();
        }
        byte[] back = Files.readAllBytes(f);
        byte[] want = "persisted\0".getBytes();
        byte[] got = new byte[want.length];
        System.arraycopy(back, 4096, got, 0, want.length);
        assertArrayEquals(want, got);
        try (DaxMapping ro = DaxMapping.mapFile(f, false, notes::add)) {
            assertEquals('p', (char) ro.segment().get(ValueLayout.JAVA_BYTE, 4096));
        }
    }

    @Test
    void deviceDaxGeometryFromSysfs(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("size"), "130023424\n");
        Files.writeString(dir.resolve("align"), "2097152\n");
        assertEquals(new DaxMapping.DeviceGeometry(130023424, 2097152), DaxMapping.geometry(dir));
        Files.writeString(dir.resolve("align"), "3000\n");
        assertThrows(IOException.class, () -> DaxMapping.geometry(dir));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> DaxMapping.mapDevice(dir.resolve("dax9.9"), false));
    }
}
