package dev.pmemdump.vmcore.xlat;

import dev.pmemdump.io.CorruptInputException;

/** A virtual address the page tables do not map; the message names the level and the entry. */
public final class NotMappedException extends CorruptInputException {
    private static final long serialVersionUID = 1L;

    private final long virtualAddress;

    public NotMappedException(String resource, long virtualAddress, String problem) {
        super(resource, -1, "virtual address 0x" + Long.toHexString(virtualAddress) + ": " + problem);
        this.virtualAddress = virtualAddress;
    }

    public NotMappedException(String resource, long virtualAddress, String problem, Throwable cause) {
        this(resource, virtualAddress, problem);
        initCause(cause);
    }

    public long virtualAddress() {
        return virtualAddress;
    }
}
