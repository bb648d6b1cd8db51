/**
 * kexec load plans: {@code /proc/iomem} and {@code crashkernel=} to PT_LOADs and an elfcorehdr
 * (pmem loads marked PF_DEV), and powerpc fadump's conventions. The {@code loadplan} verb is
 * internal to the tool.
 */
// "module": the qualified exports name dev.pmemdump.cli, which is built after this module.
@SuppressWarnings("module")
module dev.pmemdump.loadplan {
    requires transitive dev.pmemdump.io;
    requires transitive dev.pmemdump.vmcore;
    requires transitive com.fasterxml.jackson.databind;
    requires info.picocli;

    exports dev.pmemdump.loadplan;
    exports dev.pmemdump.loadplan.fadump;
    exports dev.pmemdump.loadplan.cli to dev.pmemdump.cli;
    opens dev.pmemdump.loadplan.cli to info.picocli, com.fasterxml.jackson.databind;
}
