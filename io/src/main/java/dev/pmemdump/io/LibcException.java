package dev.pmemdump.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A C library call that failed, with its errno ({@code IMG: fallocate: No space left on device}),
 * or that could not be made at all (errno 0: native access denied, symbol missing), with the fix.
 */
public final class LibcException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    LibcException(Path path, String call, int errno, String text) {
        super((path == null ? "" : path + ": ") + call + ": " + text);
        this.call = call;
        this.errno = errno;
    }

    static LibcException unavailable(Path path, String call, String why) {
        return new LibcException(path, call, 0, "cannot call the C library: " + why);
    }

    static LibcException unexpected(Path path, String call, Throwable t) {
        LibcException e = new LibcException(path, call, -1, "native call failed: " + t);
        e.initCause(t);
        return e;
    }

    /** The function that failed ("mmap"). */
    public String call() {
        return call;
    }

    /** errno of the failure; 0 when the call could not be made, -1 when it threw. */
    public int errno() {
        return errno;
    }

    /** True when the call could not be made here (no native access, no such symbol). */
    public boolean unavailable() {
        return errno == 0;
    }
}
