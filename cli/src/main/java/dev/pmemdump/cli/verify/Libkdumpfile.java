package dev.pmemdump.cli.verify;

import dev.pmemdump.images.Manifest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * libkdumpfile (Debian's python3-libkdumpfile), a reader of ELF and kdump-compressed dumps written
 * independently of ours: it reads the metadata ranges of one dump per scenario back, so a bug shared
 * by the filter's writer and its own reader cannot pass unseen.
 */
final class Libkdumpfile {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final long TIMEOUT_SECONDS = 600;
    /**
     * Prints, per "start-end" pfn argument (hex), the sha256 of the range's pages, a page it cannot
     * read hashed as zeros, and how many those were.
     */
    private static final String SCRIPT = """
            import hashlib, sys, kdumpfile
            k = kdumpfile.kdumpfile(sys.argv[1]); ps = int(sys.argv[2]); zero = bytes(ps)
            for arg in sys.argv[3:]:
                s, e = (int(x, 16) for x in arg.split('-'))
                h = hashlib.sha256(); missing = 0
                for pfn in range(s, e):
                    try: h.update(k.read(kdumpfile.KDUMP_MACHPHYSADDR, pfn * ps, ps))
                    except Exception: h.update(zero); missing += 1
                print(h.hexdigest(), missing)
            """;

    /**
     * What libkdumpfile read of one range: the sha256 with unreadable pages as zeros, and how many
     * those were. In ELF output they are the zero pages -d 1 left past p_filesz (libkdumpfile does
     * not read them as zeros, as tools that follow the ELF rule do).
     */
    record Reading(String sha256, long unreadable) {
        @Override
        public String toString() {
            return sha256 + (unreadable == 0 ? "" : " (" + unreadable + " unreadable page(s) as zeros)");
        }
    }

    private Libkdumpfile() {}

    /** The installed libkdumpfile, if Debian's python3 imports it. */
    static Libkdumpfile find() {
        if (!Files.isExecutable(PYTHON)) {
            return null;
        }
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import kdumpfile")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 ? new Libkdumpfile() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Per metadata range of the manifest, what libkdumpfile reads of it in {@code dump}. */
    List<Reading> sha256(Path dump, long pageSize, List<Manifest.MetadataRange> ranges) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), "-c", SCRIPT, dump.toString(),
                Long.toString(pageSize)));
        for (Manifest.MetadataRange r : ranges) {
            cmd.add(Long.toHexString(r.startPfn()) + "-" + Long.toHexString(r.endPfn()));
        }
        Path log = Files.createTempFile(dump.getParent(), "libkdumpfile", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("libkdumpfile did not finish in " + TIMEOUT_SECONDS + " s on " + dump);
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            if (p.exitValue() != 0 || lines.size() != ranges.size()) {
                throw new IOException("libkdumpfile failed on " + dump + " (exit " + p.exitValue() + "): "
                        + String.join(" | ", lines));
            }
            List<Reading> out = new ArrayList<>();
            for (String l : lines) {
                String[] f = l.trim().split(" ");
                out.add(new Reading(f[0], Long.parseLong(f[1])));
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + dump + " with libkdumpfile", e);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
