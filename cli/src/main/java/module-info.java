/** The one {@code pmemdump} command gathering every module's verbs; exports nothing. */
module dev.pmemdump.cli {
    requires dev.pmemdump.io;
    requires dev.pmemdump.pmem;
    requires dev.pmemdump.vmcore;
    requires dev.pmemdump.loadplan;
    requires dev.pmemdump.filter;
    requires dev.pmemdump.images;
    requires com.fasterxml.jackson.databind;
    requires info.picocli;

    opens dev.pmemdump.cli to info.picocli;
    // verify's checks are records serialized by Jackson for --json.
    opens dev.pmemdump.cli.verify to info.picocli, com.fasterxml.jackson.databind;
    // The vmcoreinfo and notes verbs: picocli binds their options, Jackson writes --json.
    opens dev.pmemdump.cli.vmcore to info.picocli, com.fasterxml.jackson.databind;
}
