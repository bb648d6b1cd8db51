package dev.pmemdump.filter.report;

import dev.pmemdump.testing.Tools;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real headless Chromium on a report page (the test is skipped where chromium is missing, failed in CI). */
public final class Chromium {
    private final List<String> base;
    private final Path dir;

    public Chromium(Path dir) throws IOException {
        Path chromium = Tools.require("chromium");
        this.dir = dir;
        Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
        this.base = List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--window-size=1300,900");
    }

    /** Asserts the page parsed and its script ran: the DOM after load has {@code data-rendered="ok"}. */
    public void assertRendered(Path page) {
        List<String> dom = new ArrayList<>(base);
        dom.add("--dump-dom");
        dom.add(page.toUri().toString());
        Tools.Run r = Tools.run(dom, dir, 120).assertOk();
        assertTrue(r.stdout().contains("data-rendered=\"ok\""), "script did not run: " + r.stdout());
    }

    /** A screenshot of the top of the page. */
    public BufferedImage screenshot(Path page) throws IOException {
        Path png = dir.resolve(page.getFileName() + ".png");
        List<String> shot = new ArrayList<>(base);
        shot.add("--screenshot=" + png);
        shot.add(page.toUri().toString());
        Tools.run(shot, dir, 120).assertOk();
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "screenshot is not a PNG");
        return img;
    }

    /** Pixels within 3 per channel of the CSS colour {@code #rrggbb}. */
    public static int countColor(BufferedImage img, String css) {
        int rgb = Integer.parseInt(css.substring(1), 16);
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y) & 0xffffff;
                if (Math.abs(((p >> 16) & 255) - ((rgb >> 16) & 255)) <= 3
                        && Math.abs(((p >> 8) & 255) - ((rgb >> 8) & 255)) <= 3
                        && Math.abs((p & 255) - (rgb & 255)) <= 3) {
                    n++;
                }
            }
        }
        return n;
    }
}
