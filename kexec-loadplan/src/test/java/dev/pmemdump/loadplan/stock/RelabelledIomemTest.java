package dev.pmemdump.loadplan.stock;

import dev.pmemdump.testing.FixtureTest;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.Range;
import dev.pmemdump.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@FixtureTest
class RelabelledIomemTest {
    private static final String K3 = "linux-6.1-qemu-pmem-kdump/k3-load-pfdev-nohole-192M/first-kernel/";
    private static final String HARD = "linux-6.1-qemu-pmem-kdump/stock-load-hard-layouts/first-kernel/";

    /** What the real kexec saw in the lab (a bind-mounted copy made with sed) is what we make. */
    @Test
    void equalsTheCopyRealKexecReadInTheLab() throws Exception {
        RelabelledIomem k3 = RelabelledIomem.of("40-iomem.txt", Fixtures.text(K3 + "40-iomem.txt"));
        assertEquals(Fixtures.text(K3 + "45-iomem-relabelled-as-seen-by-kexec.txt"), k3.text());
        assertEquals(List.of(new Range(0x100000000L, 0x120000000L)), k3.pmem().ranges());
        RelabelledIomem hard = RelabelledIomem.of("40-iomem.txt", Fixtures.text(HARD + "40-iomem.txt"));
        assertEquals(Fixtures.text(HARD + "45-iomem-as-seen-by-kexec.txt"), hard.text());
        // 512 MiB NVDIMM less its 128 KiB label area: the region ends mid 2 MiB page
        assertEquals(List.of(Range.ofInclusive(0x100000000L, 0x11ffdffffL)), hard.pmem().ranges());
        assertEquals(List.of(0x100000000L, 0x108000000L, 0x10c000000L, 0x10e000000L), hard.pmem().namespaceStarts());
    }

    @Test
    void onlyTopLevelPmemIsRelabelled() throws Exception {
        String text = """
                00001000-0009fbff : System RAM
                100000000-11fffffff : Persistent Memory (legacy)
                  100000000-107ffffff : namespace0.0
                200000000-2ffffffff : Reserved
                  200000000-20fffffff : Persistent Memory
                """;
        RelabelledIomem r = RelabelledIomem.of("t", text);
        assertTrue(r.text().contains("100000000-11fffffff : System RAM\n"));
        assertTrue(r.text().contains("  200000000-20fffffff : Persistent Memory\n"), "a nested one is not a kexec range");
        assertEquals(List.of(new Range(0x100000000L, 0x120000000L)), r.pmem().ranges());
    }

    @Test
    void noPmemIsANamedError() {
        CorruptInputException e = assertThrows(CorruptInputException.class,
                () -> RelabelledIomem.of("iomem.txt", "00001000-0009fbff : System RAM\n"));
        assertTrue(e.getMessage().startsWith("iomem.txt"), e.getMessage());
    }
}
