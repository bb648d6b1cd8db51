package dev.pmemdump.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Where an output goes, decided by what already is at its path: nothing (a new file, built beside
 * it and renamed), a regular file (replaced the same way, with the force option only), a character
 * device or a FIFO (written in place: replacing /dev/null by a regular file would break the
 * system), or anything else (refused).
 */
record OutputTarget(Path path, boolean inPlace) {
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFIFO = 0010000;

    static OutputTarget resolve(Path target, OutputRules rules) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(abs, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            Path dir = abs.getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw new NoSuchFileException(target.toString(), null, "no such directory");
            }
            return new OutputTarget(abs, false);
        }
        checkNotAnInput(target, abs, rules);
        if (attrs.isDirectory()) {
            throw new OutputRefusedException(target, OutputRefusedException.Reason.NOT_A_FILE, "is a directory");
        }
        if (attrs.isRegularFile()) {
            if (!rules.force()) {
                throw new OutputRefusedException(target, OutputRefusedException.Reason.EXISTS,
                        "File exists" + (rules.forceOption().isEmpty() ? "" : " (" + rules.forceOption()
                                + " replaces it)"));
            }
            // Through a symbolic link the file it names is replaced, not the link.
            return new OutputTarget(abs.toRealPath(), false);
        }
        int type = (Integer) Files.getAttribute(abs, "unix:mode") & S_IFMT;
        if (type == S_IFCHR || type == S_IFIFO) {
            return new OutputTarget(abs, true);
        }
        throw new OutputRefusedException(target, OutputRefusedException.Reason.NOT_A_FILE,
                "is a block device or socket; refusing to write over it");
    }

    private static void checkNotAnInput(Path target, Path abs, OutputRules rules) throws IOException {
        for (Path in : rules.inputs()) {
            if (Files.exists(in) && Files.isSameFile(in, abs)) {
                throw new OutputRefusedException(target, OutputRefusedException.Reason.SAME_AS_INPUT,
                        "is the input " + in + " (same device and inode); refusing to overwrite it");
            }
        }
    }
}
