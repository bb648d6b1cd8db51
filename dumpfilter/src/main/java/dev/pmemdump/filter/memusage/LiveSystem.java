package dev.pmemdump.filter.memusage;

import java.nio.file.Path;

/**
 * What --mem-usage reads of the running system besides its input, as makedumpfile 1.7.2 does: the
 * kernel release (uname), /proc/iomem (is memory reserved for a crash kernel?) and
 * /sys/kernel/vmcoreinfo (where the VMCOREINFO note lies, for a /proc/kcore without it).
 */
public record LiveSystem(String release, Path iomem, Path sysVmcoreinfo) {

    /** This machine. On Linux the JDK's os.version is uname's release. */
    public static LiveSystem current() {
        return new LiveSystem(System.getProperty("os.version"), Path.of("/proc/iomem"),
                Path.of("/sys/kernel/vmcoreinfo"));
    }
}
