package dev.pmemdump.loadplan.stock;

import dev.pmemdump.testing.UnitTest;
import dev.pmemdump.vmcore.iomem.PmemParameter;
import dev.pmemdump.io.Range;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@UnitTest
class KexecArgumentsTest {
    private static final PmemParameter PMEM = new PmemParameter(List.of(Range.ofInclusive(0x100000000L, 0x11ffdffffL)), List.of());

    @Test
    void kdumpToolsStyleLoadGetsKexecLoadAndTheParameter() {
        // kdump-tools: kexec -p --command-line="$KDUMP_CMDLINE" --initrd=$INITRD $KERNEL
        List<String> out = KexecArguments.complete(List.of("-p", "--command-line=irqpoll nr_cpus=1 reset_devices",
                "--initrd=/var/lib/kdump/initrd.img", "/var/lib/kdump/vmlinuz"), PMEM);
        assertEquals(List.of("-c", "-p", "--command-line=irqpoll nr_cpus=1 reset_devices pmemdump.pmem=0x100000000-0x11ffdffff",
                "--initrd=/var/lib/kdump/initrd.img", "/var/lib/kdump/vmlinuz"), out);
    }

    @Test
    void separateAppendValueAndClusteredOptions() {
        List<String> out = KexecArguments.complete(List.of("-dp", "-c", "--append", "console=ttyS0", "/boot/vmlinuz"), PMEM);
        assertEquals(List.of("-dp", "-c", "--append", "console=ttyS0 pmemdump.pmem=0x100000000-0x11ffdffff", "/boot/vmlinuz"), out);
        assertEquals(List.of("-c", "--load-panic", "/boot/vmlinuz", "--append=pmemdump.pmem=0x100000000-0x11ffdffff"),
                KexecArguments.complete(List.of("--load-panic", "/boot/vmlinuz"), PMEM));
    }

    @Test
    void refusesFileLoadAndNonCrashLoads() {
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
                () -> KexecArguments.complete(List.of("-s", "-p", "/boot/vmlinuz"), PMEM));
        assertTrue(s.getMessage().contains("kexec_file_load"), s.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KexecArguments.complete(List.of("-l", "/boot/vmlinuz"), PMEM));
        assertThrows(IllegalArgumentException.class, () -> KexecArguments.complete(List.of("-p", "-u"), PMEM));
    }
}
