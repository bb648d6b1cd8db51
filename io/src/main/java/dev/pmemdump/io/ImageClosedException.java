package dev.pmemdump.io;

import java.io.IOException;
import java.nio.file.Path;

/** A mapped image used after it was closed and unmapped: {@code IMG: label area: image already closed}. */
public final class ImageClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    public ImageClosedException(Path path, String what) {
        super(path + ": " + what + ": image already closed (unmapped)");
    }
}
