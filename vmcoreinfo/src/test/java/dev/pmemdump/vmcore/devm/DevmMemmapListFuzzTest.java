package dev.pmemdump.vmcore.devm;

import dev.pmemdump.testing.UnitTest;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.xlat.AddressTranslation;
import dev.pmemdump.vmcore.xlat.FlatPhysicalMemory;
import dev.pmemdump.vmcore.xlat.KernelMemory;
import dev.pmemdump.vmcore.xlat.NotMappedException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Any VMCOREINFO text and kernel memory: restoring the {@code devm_memmap_vmcore} list gives the
 * entries or a {@link CorruptInputException} (a cycle, a pointer outside memory, a broken link),
 * never another exception and never more than {@link DevmMemmapList#MAX_ENTRIES} entries.
 *
 * <p>Input: a little-endian u16 text length, the VMCOREINFO text, then physical memory from address 0,
 * seen through the x86-64 direct map and kernel text mapping (phys_base 0).
 */
@UnitTest
class DevmMemmapListFuzzTest {
    static final long PAGE_OFFSET = 0xffff888000000000L;
    static final long KERNEL_MAP = 0xffffffff80000000L;

    @FuzzTest
    void restore(byte[] data) {
        if (data.length < 2) {
            return;
        }
        int textLength = Math.min((data[0] & 0xff) | (data[1] & 0xff) << 8, data.length - 2);
        VmcoreInfo info = VmcoreInfo.parse(Arrays.copyOfRange(data, 2, 2 + textLength), "fuzz.vmcoreinfo");
        MemorySegment ram = MemorySegment.ofArray(Arrays.copyOfRange(data, 2 + textLength, data.length));
        try {
            Optional<List<DevmMemmapList.Entry>> list = DevmMemmapList.restore(info, kernel(ram));
            list.ifPresent(l -> {
                if (l.size() > DevmMemmapList.MAX_ENTRIES) {
                    throw new AssertionError(l.size() + " entries restored");
                }
            });
        } catch (CorruptInputException expected) {
            // a named error is a right answer to a corrupt list
        }
    }

    /** The seed: three registrations exported into 8 KiB of RAM restore as three entries. */
    @Test
    void seedRestoresItsThreeEntries() throws Exception {
        byte[] seed = seed();
        restore(seed);
        int textLength = (seed[0] & 0xff) | (seed[1] & 0xff) << 8;
        VmcoreInfo info = VmcoreInfo.parse(Arrays.copyOfRange(seed, 2, 2 + textLength), "seed");
        MemorySegment ram = MemorySegment.ofArray(Arrays.copyOfRange(seed, 2 + textLength, seed.length));
        assertEquals(3, DevmMemmapList.restore(info, kernel(ram)).orElseThrow().size());
    }

    /** VMCOREINFO lines of the RFC kernel and 8 KiB of RAM holding the head and three nodes. */
    static byte[] seed() throws Exception {
        long head = KERNEL_MAP + 0x100;
        VmcoreInfo info = DevmMemmapList.withVmcoreInfoLines(VmcoreInfo.builder().osRelease("6.1.0-pmem")
                .pageSize(4096).offset("list_head", "next", 0).offset("list_head", "prev", 8)
                .number("MAX_PHYSMEM_BITS", 46).build("seed"), head, DevmMemmapList.Layout.LP64);
        MemorySegment ram = MemorySegment.ofArray(new byte[8192]);
        List<DevmMemmapList.Registration> regs = List.of(
                new DevmMemmapList.Registration(PAGE_OFFSET + 0x1000, 0x140000, 0x148000, PAGE_OFFSET + 0x1800),
                new DevmMemmapList.Registration(PAGE_OFFSET + 0x1040, 0x240000, 0x244000, PAGE_OFFSET + 0x1840),
                new DevmMemmapList.Registration(PAGE_OFFSET + 0x1080, 0x340000, 0x342000, PAGE_OFFSET + 0x1880));
        DevmMemmapList.export(new FlatPhysicalMemory("seed", ram, 0), translation("seed"), ByteOrder.LITTLE_ENDIAN,
                head, regs, DevmMemmapList.Layout.LP64);
        byte[] text = info.text().getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(text.length & 0xff);
        out.write(text.length >>> 8);
        out.write(text);
        out.write(ram.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        return out.toByteArray();
    }

    private static KernelMemory kernel(MemorySegment ram) {
        return new KernelMemory(new FlatPhysicalMemory("fuzz.ram", ram, 0), translation("fuzz.ram"),
                ByteOrder.LITTLE_ENDIAN);
    }

    /** The direct map and the kernel text mapping of x86-64 with phys_base 0, in 4 KiB pages. */
    private static AddressTranslation translation(String name) {
        return va -> {
            long pa;
            if (Long.compareUnsigned(va, KERNEL_MAP) >= 0) {
                pa = va - KERNEL_MAP;
            } else if (Long.compareUnsigned(va, PAGE_OFFSET) >= 0 && Long.compareUnsigned(va, PAGE_OFFSET + (1L << 46)) < 0) {
                pa = va - PAGE_OFFSET;
            } else {
                throw new NotMappedException(name, va, "not in the direct map or the kernel text mapping");
            }
            return new AddressTranslation.Mapping(va, pa, 4096, "test map");
        };
    }
}
