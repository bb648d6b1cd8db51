/**
 * Crash-time metadata: ELF cores and notes, VMCOREINFO, x86_64 address translation, the pmem
 * RFC's {@code devm_memmap_vmcore} list and device dumps. The {@code vmcoreinfo} and {@code notes}
 * verbs are internal to the tool.
 */
// "module": the qualified exports name dev.pmemdump.cli, which is built after this module.
@SuppressWarnings("module")
module dev.pmemdump.vmcore {
    requires transitive dev.pmemdump.io;
    requires com.fasterxml.jackson.databind;
    requires info.picocli;

    exports dev.pmemdump.vmcore;
    exports dev.pmemdump.vmcore.dd;
    exports dev.pmemdump.vmcore.devm;
    exports dev.pmemdump.vmcore.elf;
    exports dev.pmemdump.vmcore.iomem;
    exports dev.pmemdump.vmcore.xlat;
    exports dev.pmemdump.vmcore.cli to dev.pmemdump.cli;
    opens dev.pmemdump.vmcore.cli to info.picocli, com.fasterxml.jackson.databind;
}
