package dev.pmemdump.vmcore.xlat;

/**
 * A kernel virtual range a dump file itself records as mapped to physical memory (an ELF PT_LOAD's
 * {@code p_vaddr -> p_paddr}); an architecture reads its layout out of these where the kernel left no
 * symbol for it (x86_64: phys_base, the KASLR direct-map base).
 */
public record MappedRange(long virtualAddress, long physicalAddress, long size) {

    /** One past the last physical address. */
    public long physicalEnd() {
        return physicalAddress + size;
    }
}
