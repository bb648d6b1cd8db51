package dev.pmemdump.images.kernel;

import dev.pmemdump.testing.QemuTest;
import dev.pmemdump.testing.UnitTest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@UnitTest
class ModuleDepsTest {
    @TempDir
    Path dir;

    @Test
    void dependenciesLoadFirstAndBuiltinsNotAtAll() throws IOException {
        Files.writeString(dir.resolve("modules.dep"), """
                kernel/drivers/nvdimm/libnvdimm.ko:
                kernel/drivers/nvdimm/nd_btt.ko: kernel/drivers/nvdimm/libnvdimm.ko
                kernel/drivers/nvdimm/nd_pmem.ko: kernel/drivers/nvdimm/nd_btt.ko kernel/drivers/nvdimm/libnvdimm.ko
                kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/fscache/fscache.ko
                kernel/net/9p/9pnet.ko:
                kernel/fs/fscache/fscache.ko:
                """);
        Files.writeString(dir.resolve("modules.builtin"), "kernel/drivers/dax/dax.ko\n");
        ModuleDeps deps = ModuleDeps.read(dir);
        assertEquals(List.of("kernel/drivers/nvdimm/libnvdimm.ko", "kernel/drivers/nvdimm/nd_btt.ko",
                        "kernel/drivers/nvdimm/nd_pmem.ko", "kernel/net/9p/9pnet.ko", "kernel/fs/fscache/fscache.ko",
                        "kernel/fs/9p/9p.ko"),
                deps.loadOrder(List.of("nd_pmem", "dax", "9p", "nd-btt")));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> deps.loadOrder(List.of("nfit")));
        assertTrue(e.getMessage().contains("nfit"), e.getMessage());
    }

    @Test
    void aCycleIsNamed() throws IOException {
        Files.writeString(dir.resolve("modules.dep"), "a.ko: b.ko\nb.ko: a.ko\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ModuleDeps.read(dir).loadOrder(List.of("a")));
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
    }

    @QemuTest
    @Test
    void theInstalledKernelHasEveryGuestModule() throws IOException {
        KernelInstall kernel = KernelInstall.require();
        List<String> order = ModuleDeps.read(kernel.modulesDir()).loadOrder(GuestInitramfs.MODULES);
        for (String m : order) {
            assertTrue(Files.isRegularFile(kernel.modulesDir().resolve(m)), m);
        }
        assertTrue(order.stream().anyMatch(m -> m.endsWith("/nd_pmem.ko")));
        assertTrue(order.indexOf(order.stream().filter(m -> m.endsWith("/libnvdimm.ko")).findFirst().orElseThrow())
                < order.indexOf(order.stream().filter(m -> m.endsWith("/nfit.ko")).findFirst().orElseThrow()));
    }
}
