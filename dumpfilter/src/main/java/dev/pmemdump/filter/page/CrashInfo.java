package dev.pmemdump.filter.page;

/**
 * What a dump carries besides pages: the PT_NOTE contents (CPU notes, VMCOREINFO, device dumps)
 * copied verbatim, and the identity fields of the kdump header.
 *
 * @param notes            the whole PT_NOTE segment as found in the input
 * @param vmcoreinfoOffset offset of the VMCOREINFO descriptor inside {@code notes}, or -1
 * @param vmcoreinfoSize   size of that descriptor
 * @param utsname          the crashed kernel's {@code struct new_utsname} (390 bytes)
 * @param crashTime        CRASHTIME from VMCOREINFO (seconds), or 0
 * @param physBase         x86_64 phys_base
 * @param nrCpus           number of CPU (NT_PRSTATUS) notes
 */
public record CrashInfo(byte[] notes, long vmcoreinfoOffset, long vmcoreinfoSize, byte[] utsname,
                        long crashTime, long physBase, int nrCpus) {
    public CrashInfo {
        notes = notes.clone();
        utsname = utsname.clone();
    }

    @Override
    public byte[] notes() {
        return notes.clone();
    }

    @Override
    public byte[] utsname() {
        return utsname.clone();
    }
}
