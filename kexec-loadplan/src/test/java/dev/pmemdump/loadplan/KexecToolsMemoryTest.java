package dev.pmemdump.loadplan;

import dev.pmemdump.testing.UnitTest;
import dev.pmemdump.io.Range;
import dev.pmemdump.vmcore.iomem.Iomem;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@UnitTest
class KexecToolsMemoryTest {

    private static final Range CRASH = Range.ofInclusive(0x20000000, 0x27ffffff);

    @Test
    void everyTypedLineCountsButOnlyRamIsLoaded() throws Exception {
        Iomem iomem = Iomem.parse("iomem", """
                00000000-00000fff : Reserved
                00001000-0009efff : System RAM
                0009f000-0009ffff : reserved
                000e0000-000fffff : PCI Bus 0000:00
                00100000-3fffffff : System RAM
                  01000000-01ffffff : Kernel code
                  20000000-27ffffff : Crash kernel
                40000000-4000ffff : ACPI Tables
                40010000-4001ffff : ACPI Non-volatile Storage
                100000000-13fffffff : Persistent Memory
                  100000000-10fffffff : namespace0.0
                """);
        KexecToolsMemory m = KexecToolsMemory.of(iomem, List.of(CRASH));
        // Reserved, RAM, reserved, RAM split in two, ACPI, ACPI NVS, pmem: 8 ranges.
        assertEquals(8, m.rangeCount());
        assertEquals(List.of(Range.ofInclusive(0x1000, 0x9efff), Range.ofInclusive(0x100000, 0x1fffffff),
                Range.ofInclusive(0x28000000, 0x3fffffff)), m.ram());
        assertEquals(Optional.of(Range.ofInclusive(0x1000, 0x9efff)), m.backupSource());
        // 64 + 56 * (4 CPUs + VMCOREINFO + text + 8) = 848 -> 1 KiB; 9 CPUs: 1128 -> 2 KiB.
        assertEquals(1024, m.elfcorehdrSize(4, true, true));
        assertEquals(2048, m.elfcorehdrSize(9, true, true));
    }

    @Test
    void theBackupAreaIsAWholeRangeEndingByA0000() throws Exception {
        // RAM from 0 past 640 KiB: no backup source; kexec-tools then reads nothing from a copy.
        Iomem noHole = Iomem.parse("iomem", """
                00000000-3fffffff : System RAM
                  20000000-27ffffff : Crash kernel
                """);
        assertEquals(Optional.empty(), KexecToolsMemory.of(noHole, List.of(CRASH)).backupSource());
        LoadPlan plan = LoadPlan.build(noHole, PlanOptions.of(LoadMode.LOAD));
        assertTrue(plan.loads().stream().allMatch(l -> l.source() == l.phys()));

        Iomem exact = Iomem.parse("iomem", """
                00000000-000a0000 : System RAM
                00100000-3fffffff : System RAM
                  20000000-27ffffff : Crash kernel
                """);
        assertEquals(Optional.of(Range.ofInclusive(0, 0xa0000)), KexecToolsMemory.of(exact, List.of(CRASH)).backupSource());
    }

    @Test
    void theBackupCopyGoesTopDownInTheLastCrashRange() {
        // 0x9ec00 bytes -> 0x9ec00 (1 KiB multiple) -> 0x9f000 (page): 0x28000000 - 0x9f000.
        assertEquals(0x27f61000L, KexecToolsMemory.backupStart(List.of(CRASH), Range.ofInclusive(0x1000, 0x9fbff)));
        // 0x9e001 bytes -> 0x9e400 -> 0x9f000, the same place; with ,low and ,high ranges the last one is used.
        Range high = Range.ofInclusive(0x1_0000_0000L, 0x1_3fff_ffffL);
        assertEquals(0x1_3ff6_1000L, KexecToolsMemory.backupStart(List.of(CRASH, high), Range.ofInclusive(0x1000, 0x9f000)));
        assertThrows(IllegalArgumentException.class,
                () -> KexecToolsMemory.backupStart(List.of(Range.ofInclusive(0x20000000, 0x2007ffff)),
                        Range.ofInclusive(0x1000, 0x9fbff)));
    }
}
