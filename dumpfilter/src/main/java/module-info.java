/**
 * The makedumpfile-compatible filter: page classes, pmem cases C and D, ELF, kdump-compressed and
 * flattened output. The API is the filter, its page counters and its reports; the formats, memmap
 * walk and pmem policy behind it are internal. {@code -l} calls liblzo2 through FFM when it loads, so
 * on the module path it needs {@code --enable-native-access=dev.pmemdump.filter} (without it the JDK
 * warns; where native access is denied, the built-in LZO1X-1 writes the same bytes).
 */
// "module": the qualified exports name dev.pmemdump.cli, which is built after this module.
@SuppressWarnings("module")
module dev.pmemdump.filter {
    requires transitive dev.pmemdump.io;
    requires transitive dev.pmemdump.vmcore;
    requires dev.pmemdump.pmem;
    requires com.fasterxml.jackson.databind;
    requires info.picocli;
    // aircompressor-v3 has no module descriptor or Automatic-Module-Name: its name comes from the jar.
    requires aircompressor.v3;
    // aircompressor's codecs use sun.misc.Unsafe; an automatic module reads only the modules in the
    // graph, so jdk.unsupported is required here on its behalf.
    requires jdk.unsupported;

    exports dev.pmemdump.filter;
    exports dev.pmemdump.filter.kdump;
    exports dev.pmemdump.filter.level;
    exports dev.pmemdump.filter.page;
    exports dev.pmemdump.filter.report;
    exports dev.pmemdump.filter.request;
    exports dev.pmemdump.filter.result;
    exports dev.pmemdump.filter.run;
    // The verify verb drives the makedumpfile command line in-process.
    exports dev.pmemdump.filter.cli to dev.pmemdump.cli;
    opens dev.pmemdump.filter.cli to info.picocli;
    // The JSON report's records are bound by Jackson.
    opens dev.pmemdump.filter.result to com.fasterxml.jackson.databind;
}
