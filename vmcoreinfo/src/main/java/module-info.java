/**
 * Crash-time metadata: ELF cores and notes, VMCOREINFO, x86_64 address translation, the pmem
 * RFC's {@code devm_memmap_vmcore} list and device dumps. The {@code vmcoreinfo} and {@code notes}
 * verbs live in the cli module, which also sees the filter's kdump-compressed reader.
 */
module dev.pmemdump.vmcore {
    requires transitive dev.pmemdump.io;

    exports dev.pmemdump.vmcore;
    exports dev.pmemdump.vmcore.dd;
    exports dev.pmemdump.vmcore.devm;
    exports dev.pmemdump.vmcore.elf;
    exports dev.pmemdump.vmcore.iomem;
    exports dev.pmemdump.vmcore.xlat;
}
