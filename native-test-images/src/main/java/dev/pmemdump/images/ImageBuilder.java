package dev.pmemdump.images;

import dev.pmemdump.io.AtomicOutput;
import dev.pmemdump.io.Progress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code pmemdump image build}: a scenario's first kernel, its panic and its capture, written into one
 * directory. Big sparse images are built under temporary names and renamed only when everything
 * succeeded, so a failed build leaves no half-written output.
 */
public final class ImageBuilder {
    public static final String RAM = "ram.img";
    public static final String IOMEM = "iomem";
    public static final String MANIFEST = "manifest.json";

    private ImageBuilder() {}

    public static Manifest build(Scenario s, Path outDir, Progress progress) throws IOException {
        s.validate();
        Files.createDirectories(outDir);
        List<Path[]> pending = new ArrayList<>();
        try {
            Path ramTmp = temp(outDir, RAM, pending);
            Manifest manifest;
            try (FirstKernel k = FirstKernel.build(s, ramTmp)) {
                progress.update(1, 3);
                List<IomemText.Entry> iomem = IomemText.entries(s, List.of());
                writeText(outDir.resolve(IOMEM), IomemText.format(iomem));
                progress.update(2, 3);
                List<Manifest.CanaryEntry> canaries = new ArrayList<>();
                for (FirstKernel.Canary c : k.canaries()) {
                    canaries.add(Manifest.canary(c.text(), c.pageClass(), c.physAddress()));
                }
                manifest = new Manifest(s.kernelRelease(), s.seed(), Linux61.PAGE_SIZE, null,
                        Manifest.classCounts(k), Manifest.kernelRam(k), List.of(), canaries);
                k.ram().force();
            }
            for (Path[] p : pending) {
                Files.move(p[0], p[1], StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            pending.clear();
            manifest.write(outDir.resolve(MANIFEST));
            progress.finish();
            return manifest;
        } finally {
            for (Path[] p : pending) {
                Files.deleteIfExists(p[0]);
            }
        }
    }

    private static Path temp(Path dir, String name, List<Path[]> pending) {
        Path t = dir.resolve("." + name + ".partial");
        pending.add(new Path[] {t, dir.resolve(name)});
        return t;
    }

    static void writeText(Path file, String text) throws IOException {
        try (AtomicOutput out = AtomicOutput.create(file)) {
            out.channel().write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
            out.commit();
        }
    }
}
