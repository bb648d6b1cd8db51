package dev.pmemdump.images.kernel;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Writes a cpio archive in the "newc" (SVR4, no CRC) format, the one the kernel unpacks as an
 * initramfs: each entry is a 110-byte ASCII header of 13 eight-digit hex fields, the NUL-ended name
 * and the data, each padded to 4 bytes; a {@code TRAILER!!!} entry ends the archive. Parent
 * directories are written before the first entry inside them, as the kernel needs.
 */
final class NewcArchive implements Closeable {
    private static final String MAGIC = "070701";
    private static final String TRAILER = "TRAILER!!!";
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;

    private final OutputStream out;
    private final Set<String> directories = new HashSet<>();
    private long written;
    private int nextInode = 1;

    NewcArchive(OutputStream out) {
        this.out = out;
    }

    /** A directory (and its parents); {@code path} is relative to the archive root, like "lib/modules". */
    void directory(String path) throws IOException {
        if (path.isEmpty() || directories.contains(path)) {
            return;
        }
        parents(path);
        directories.add(path);
        entry(path, S_IFDIR | 0755, 2, new byte[0]);
    }

    void file(String path, int permissions, byte[] content) throws IOException {
        parents(path);
        entry(path, S_IFREG | permissions, 1, content);
    }

    void symlink(String path, String target) throws IOException {
        parents(path);
        entry(path, S_IFLNK | 0777, 1, target.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
        entry(TRAILER, 0, 1, new byte[0]);
        out.close();
    }

    private void parents(String path) throws IOException {
        int slash = path.lastIndexOf('/');
        if (slash > 0) {
            directory(path.substring(0, slash));
        }
    }

    private void entry(String name, int mode, int links, byte[] data) throws IOException {
        if (name.startsWith("/")) {
            throw new IllegalArgumentException("archive paths are relative: " + name);
        }
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
        StringBuilder header = new StringBuilder(MAGIC);
        long[] fields = {
            name.equals(TRAILER) ? 0 : nextInode++, mode, 0 /* uid */, 0 /* gid */, links,
            0 /* mtime: fixed, so equal inputs give equal archives */, data.length,
            0, 0, 0, 0 /* dev and rdev major/minor */, nameBytes.length, 0 /* check */};
        for (long f : fields) {
            header.append(String.format("%08x", f));
        }
        write(header.toString().getBytes(StandardCharsets.US_ASCII));
        write(nameBytes);
        pad();
        write(data);
        pad();
    }

    private void write(byte[] bytes) throws IOException {
        out.write(bytes);
        written += bytes.length;
    }

    private void pad() throws IOException {
        while (written % 4 != 0) {
            out.write(0);
            written++;
        }
    }
}
