package dev.pmemdump.testing;

import io.airlift.compress.v3.zstd.ZstdInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;

/**
 * The real-kernel fixtures copied into the repository ({@code fixtures/} at the project root, from
 * ../shared/fixtures). Compressed images are unpacked once per build into {@code target/fixtures}
 * of the top-level project and reused.
 */
public final class Fixtures {
    private Fixtures() {}

    /** Root of the fixture tree: system property {@code pmemdump.fixtures}, else found upwards. */
    public static Path root() {
        String prop = System.getProperty("pmemdump.fixtures");
        if (prop != null && Files.isDirectory(Paths.get(prop))) {
            return Paths.get(prop);
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("fixtures");
            if (Files.isDirectory(candidate.resolve("linux-6.1-qemu"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("fixtures/ not found above " + Paths.get("").toAbsolutePath());
    }

    /** A fixture file, e.g. {@code path("linux-6.1-qemu/kdump-file/host-analysis/VMCOREINFO.txt")}. */
    public static Path path(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) {
            throw new IllegalStateException("missing fixture " + p);
        }
        return p;
    }

    public static String text(String relative) {
        try {
            return Files.readString(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The decompressed form of a {@code .zst} fixture, unpacked on first use (sparse where the
     * content is zero, so a 512 MiB image costs little disk).
     */
    public static synchronized Path unzstd(String relative) {
        Path src = path(relative);
        String name = src.getFileName().toString().replaceFirst("\\.zst$", "");
        Path cacheDir = root().getParent().resolve("target/fixtures").resolve(relative).getParent();
        Path out = cacheDir.resolve(name);
        try {
            if (Files.exists(out) && Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(src)) >= 0) {
                return out;
            }
            Files.createDirectories(cacheDir);
            Path tmp = Files.createTempFile(cacheDir, name, ".tmp");
            try (InputStream in = new ZstdInputStream(Files.newInputStream(src));
                 java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
                         java.nio.file.StandardOpenOption.WRITE)) {
                copySparse(in, ch);
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("unpacking " + src, e);
        }
    }

    private static void copySparse(InputStream in, java.nio.channels.FileChannel ch) throws IOException {
        byte[] buf = new byte[1 << 16];
        long pos = 0;
        int n;
        while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
            if (!allZero(buf, n)) {
                ch.write(java.nio.ByteBuffer.wrap(buf, 0, n), pos);
            }
            pos += n;
        }
        if (ch.size() < pos) {
            ch.write(java.nio.ByteBuffer.allocate(1), pos - 1);
        }
    }

    private static boolean allZero(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Copies a fixture to {@code dir} (for tests that must not touch the original). */
    public static Path copyTo(String relative, Path dir) throws IOException {
        Path src = relative.endsWith(".zst") ? unzstd(relative) : path(relative);
        Path dst = dir.resolve(src.getFileName());
        try (OutputStream os = Files.newOutputStream(dst)) {
            Files.copy(src, os);
        }
        return dst;
    }
}
