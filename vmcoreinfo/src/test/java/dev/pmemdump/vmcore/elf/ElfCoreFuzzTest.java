package dev.pmemdump.vmcore.elf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.vmcore.VmcoreInfoNote;
import dev.pmemdump.vmcore.dd.DeviceDumps;

import java.lang.foreign.MemorySegment;

/**
 * Any bytes as a /proc/vmcore copy and as an elfcorehdr: the reader, its notes, the VMCOREINFO and
 * device-dump lookups and a read at every PT_LOAD end in a value or a {@link CorruptInputException},
 * never another exception. Seeds: a real 6.1 vmcore head, scenario elfcorehdrs, small cores.
 */
class ElfCoreFuzzTest {

    @FuzzTest
    void elfCore(byte[] data) {
        MemorySegment bytes = MemorySegment.ofArray(data);
        try {
            ElfCore core = ElfCore.read(bytes, "fuzz.vmcore", ElfCore.Layout.FILE);
            ElfPhysicalMemory phys = new ElfPhysicalMemory(core);
            for (ProgramHeader load : core.loads()) {
                core.data(load);
                if (load.filesz() >= 8) {
                    phys.readLong(load.paddr(), core.order());
                }
            }
            VmcoreInfoNote.find(core.notes(), core.resource());
            DeviceDumps.list(core);
        } catch (CorruptInputException expected) {
            // a named error is a right answer to corrupt input
        }
        try {
            ElfCore.read(bytes, "fuzz.elfcorehdr", ElfCore.Layout.ELFCOREHDR).loads();
        } catch (CorruptInputException expected) {
            // idem
        }
    }
}
