package dev.pmemdump.pmem;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;

/** Test helpers for image files: sparse copies and whole-file hashes. */
final class Images {
    private Images() {}

    /** Copies {@code src} to {@code dst} writing only non-zero 64 KiB chunks (keeps it sparse). */
    static Path sparseCopy(Path src, Path dst) throws IOException {
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(src);
             FileChannel out = FileChannel.open(dst, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            long pos = 0;
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                boolean zero = true;
                for (int i = 0; i < n && zero; i++) {
                    zero = buf[i] == 0;
                }
                if (!zero) {
                    out.write(ByteBuffer.wrap(buf, 0, n), pos);
                }
                pos += n;
            }
            if (out.size() < pos) {
                out.write(ByteBuffer.allocate(1), pos - 1);
            }
        }
        return dst;
    }

    static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Overwrites bytes of a file in place. */
    static void poke(Path file, long off, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), off);
        }
    }

    static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }
}
