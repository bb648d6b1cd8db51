package dev.pmemdump.vmcore.iomem;

import dev.pmemdump.testing.UnitTest;
import dev.pmemdump.io.Range;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@UnitTest
class PmemParameterTest {
    @Test
    void formatsInclusiveRangesAndReadsThemBack() {
        PmemParameter p = new PmemParameter(List.of(new Range(0x200000000L, 0x210000000L),
                Range.ofInclusive(0x100000000L, 0x11ffdffffL)), List.of(0x10c000000L, 0x100000000L));
        assertEquals("pmemdump.pmem=0x100000000-0x11ffdffff,0x200000000-0x20fffffff "
                + "pmemdump.ns=0x100000000,0x10c000000", p.format());
        String cmdline = "console=ttyS0 irqpoll " + p.format() + " elfcorehdr=769396K";
        assertEquals(Optional.of(p), PmemParameter.fromCmdline(cmdline));
    }

    @Test
    void absentLastWinsAndMalformed() {
        assertEquals(Optional.empty(), PmemParameter.fromCmdline("console=ttyS0 pmemdump.pmemx=1"));
        assertEquals(List.of(new Range(0x1000, 0x3000)),
                PmemParameter.fromCmdline("pmemdump.pmem=0x0-0xfff pmemdump.pmem=0x1000-0x2fff").orElseThrow().ranges());
        assertEquals(List.of(), PmemParameter.fromCmdline("pmemdump.pmem=0x0-0xfff").orElseThrow().namespaceStarts());
        for (String bad : List.of("pmemdump.pmem=", "pmemdump.pmem=0x10", "pmemdump.pmem=0x20-0x10",
                "pmemdump.pmem=zz-0x10", "pmemdump.pmem=0x0-0xffffffffffffffff",
                "pmemdump.pmem=0x0-0xfff pmemdump.ns=0x1,zz")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PmemParameter.fromCmdline(bad));
            assertEquals(true, e.getMessage().startsWith("pmemdump."), e.getMessage());
        }
    }
}
