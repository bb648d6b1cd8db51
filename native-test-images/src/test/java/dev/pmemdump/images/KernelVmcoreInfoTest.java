package dev.pmemdump.images;

import static org.junit.jupiter.api.Assertions.*;

import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.testing.FixtureTest;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scenario kernel's VMCOREINFO against the real 6.1.0-56-amd64 one. */
@FixtureTest
class KernelVmcoreInfoTest {
    @TempDir
    Path dir;

    /** Keys whose values are this boot's addresses or identity, not layout facts. */
    static final Set<String> PER_BOOT = Set.of("BUILD-ID", "SYMBOL(mem_section)", "NUMBER(phys_base)", "CRASHTIME");

    @Test
    void sameKeysInTheSameOrderAndTheSameLayoutValuesAsTheRealKernel() throws Exception {
        VmcoreInfo real = VmcoreInfo.parse(Fixtures.text("linux-6.1-qemu/kdump-file/host-analysis/VMCOREINFO.txt"),
                "fixture");
        try (FirstKernel k = FirstKernel.build(FirstKernelTest.small(5), dir.resolve("ram.img"))) {
            VmcoreInfo ours = KernelVmcoreInfo.build(k, 1795377061L, "00".repeat(20));
            List<String> realKeys = real.entries().stream().map(VmcoreInfo.Entry::key).toList();
            List<String> ourKeys = ours.entries().stream().map(VmcoreInfo.Entry::key).toList();
            assertEquals(realKeys, ourKeys);
            for (VmcoreInfo.Entry e : real.entries()) {
                if (!PER_BOOT.contains(e.key())) {
                    assertEquals(e.value(), ours.get(e.key()).orElseThrow(), e.key());
                }
            }
            // phys_base: kernelPhys 0x2000000 - (0xffffffffae000000 - 0xffffffff80000000)
            assertEquals(0x2000000L - 0x2e000000L, ours.number("phys_base"));
            assertEquals(k.symbols().get("mem_section"), ours.symbol("mem_section"));
        }
    }
}
