/**
 * Crash scenarios: first-kernel RAM, pmem, VMCOREINFO and load plan written to a /proc/vmcore with
 * its panic-time manifest. The {@code image} verb is internal to the tool.
 */
// "module": the qualified exports name dev.pmemdump.cli, which is built after this module.
@SuppressWarnings("module")
module dev.pmemdump.images {
    requires transitive dev.pmemdump.io;
    requires transitive dev.pmemdump.pmem;
    requires transitive dev.pmemdump.vmcore;
    requires dev.pmemdump.loadplan;
    requires transitive com.fasterxml.jackson.databind;
    requires info.picocli;

    exports dev.pmemdump.images;
    exports dev.pmemdump.images.cli to dev.pmemdump.cli;
    opens dev.pmemdump.images.cli to info.picocli;
    // Scenario and Manifest are records read and written by Jackson.
    opens dev.pmemdump.images to com.fasterxml.jackson.databind;
}
