/**
 * Persistent-memory layout: regions, namespace labels, pfn/dax/BTT info blocks, memmap placement
 * ({@code dev.pmemdump.pmem}) and device-DAX mappings ({@code dev.pmemdump.pmem.dax}, FFM: needs
 * {@code --enable-native-access=dev.pmemdump.pmem}). The {@code ndctl} verb is internal to the tool.
 */
// "module": the qualified exports name dev.pmemdump.cli, which is built after this module.
@SuppressWarnings("module")
module dev.pmemdump.pmem {
    requires transitive dev.pmemdump.io;
    requires com.fasterxml.jackson.databind;
    requires info.picocli;

    exports dev.pmemdump.pmem;
    exports dev.pmemdump.pmem.dax;
    // The verb is the command-line tool's, not the library's API.
    exports dev.pmemdump.pmem.cli to dev.pmemdump.cli;
    opens dev.pmemdump.pmem.cli to info.picocli, com.fasterxml.jackson.databind;
}
