package dev.pmemdump.loadplan;

/**
 * One PT_NOTE of the elfcorehdr: a per-CPU crash-notes buffer or the VMCOREINFO note, by physical
 * address and size. The address is 0 when not known (a placeholder the real loader fills in from
 * {@code /sys/devices/system/cpu/cpuN/crash_notes} or {@code /sys/kernel/vmcoreinfo}).
 */
public record Note(String what, long phys, long size) {

    public boolean isPlaceholder() {
        return phys == 0;
    }
}
