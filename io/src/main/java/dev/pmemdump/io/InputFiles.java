package dev.pmemdump.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The check every input path passes before it is opened: it exists, is not a directory (which
 * would otherwise surface as "No such device" from mmap), and is not a FIFO or socket, whose open
 * blocks until a writer appears (forever, when none does). Regular files and devices are read.
 */
public final class InputFiles {
    private InputFiles() {}

    public static void check(Path path) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString(), null, "no such file");
        }
        if (a.isDirectory()) {
            throw new InputRefusedException(path, "is a directory, not a file");
        }
        if (a.isOther() && !isDevice(path)) {
            throw new InputRefusedException(path, "is a FIFO or socket; give a regular file "
                    + "(reading a FIFO with no writer would block forever)");
        }
    }

    private static boolean isDevice(Path path) throws IOException {
        int type = (Integer) Files.getAttribute(path, "unix:mode") & 0170000;
        return type == 0020000 || type == 0060000;
    }
}
