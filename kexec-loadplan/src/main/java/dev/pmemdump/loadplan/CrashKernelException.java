package dev.pmemdump.loadplan;

/**
 * A {@code crashkernel=} value the kernel would reject, or a reservation it could not place. The
 * message quotes the value and says why, like the kernel's own "crashkernel reservation failed".
 */
public final class CrashKernelException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public CrashKernelException(String spec, String problem) {
        super("crashkernel=" + spec + ": " + problem);
    }
}
