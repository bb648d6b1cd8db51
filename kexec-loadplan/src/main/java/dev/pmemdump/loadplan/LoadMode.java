package dev.pmemdump.loadplan;

/** Who builds the elfcorehdr: kexec-tools in user space, or the kernel itself. */
public enum LoadMode {
    /** {@code kexec -p}: kexec_load(2), kexec-tools reads /proc/iomem and builds the headers. */
    LOAD,
    /** {@code kexec -s -p}: kexec_file_load(2), the kernel walks its resource tree. */
    FILE
}
