package dev.pmemdump.vmcore.xlat;

import dev.pmemdump.io.CorruptInputException;

/** Kernel virtual to physical addresses for one architecture; knows nothing of file formats. */
public interface AddressTranslation {

    /** How one virtual address is mapped: the physical address and the size of the page holding it. */
    record Mapping(long virtualAddress, long physicalAddress, long pageSize, String how) {
        /** Bytes from the address to the end of its page. */
        public long bytesToPageEnd() {
            return pageSize - (physicalAddress & (pageSize - 1));
        }
    }

    /** The mapping of {@code virtualAddress}, or a {@link NotMappedException} naming why not. */
    Mapping translate(long virtualAddress) throws CorruptInputException;

    default long toPhysical(long virtualAddress) throws CorruptInputException {
        return translate(virtualAddress).physicalAddress();
    }
}
