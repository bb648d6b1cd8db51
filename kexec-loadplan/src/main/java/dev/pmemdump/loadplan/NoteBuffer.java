package dev.pmemdump.loadplan;

/**
 * One PT_NOTE of the elfcorehdr: a kernel note buffer (a per-CPU crash_notes or the VMCOREINFO note), by physical
 * address and size. The address is 0 when not known (a placeholder the real loader fills in from
 * {@code /sys/devices/system/cpu/cpuN/crash_notes} or {@code /sys/kernel/vmcoreinfo}).
 */
public record NoteBuffer(String what, long phys, long size) {

    public boolean isPlaceholder() {
        return phys == 0;
    }
}
