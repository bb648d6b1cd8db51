import dev.pmemdump.cli.Main;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * In-process benchmark: the cost of init-labels + create-namespace (fsdax, devdax, sector, then
 * fsdax over the rest of the region) + list -N -v on a fresh sparse image, for each image size
 * given. Metadata work must not grow with the image: a 1 TiB image should cost about what a
 * 512 MiB one does. Prints median and min milliseconds and the disk blocks the image uses.
 *
 * Run through bench/ndctl-scale.sh (it builds the jar and passes the sizes).
 */
public final class NdctlScaleBench {
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("bench.dir", "/tmp")), "ndctl-bench");
        int warmup = 3, runs = Integer.getInteger("bench.runs", 11);
        long[][] ms = new long[args.length][runs];
        long[] du = new long[args.length];
        // Sizes interleaved run by run, so load changes on a shared machine hit every size alike.
        for (int i = -warmup; i < runs; i++) {
            for (int s = 0; s < args.length; s++) {
                Path img = dir.resolve("bench-" + args[s] + ".img");
                Files.deleteIfExists(img);
                run("create-image", "-s", args[s], img.toString());
                long t0 = System.nanoTime();
                for (List<String> cmd : SEQUENCE) {
                    String[] a = cmd.toArray(new String[cmd.size() + 2]);
                    a[cmd.size()] = "--image";
                    a[cmd.size() + 1] = img.toString();
                    run(a);
                }
                long t1 = System.nanoTime();
                if (i >= 0) {
                    ms[s][i] = (t1 - t0) / 1_000_000;
                }
                Process p = new ProcessBuilder("du", "-k", img.toString()).start();
                du[s] = Long.parseLong(new String(p.getInputStream().readAllBytes()).split("\\s")[0]);
                Files.delete(img);
            }
        }
        for (int s = 0; s < args.length; s++) {
            Arrays.sort(ms[s]);
            System.out.printf("%-6s init-labels + 4 x create-namespace + list -N -v: median %d ms (min %d, max %d, %d runs);"
                    + " image uses %d KiB on disk%n", args[s], ms[s][runs / 2], ms[s][0], ms[s][runs - 1], runs, du[s]);
        }
        Files.delete(dir);
    }

    static final List<List<String>> SEQUENCE = List.of(List.of("init-labels"),
            List.of("create-namespace", "-m", "fsdax", "--map=dev", "-s", "128M"),
            List.of("create-namespace", "-m", "devdax", "-s", "64M"),
            List.of("create-namespace", "-m", "sector", "-s", "64M"),
            List.of("create-namespace", "-m", "fsdax", "--map=dev"),
            List.of("list", "-N", "-v"));

    static void run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        String[] full = new String[args.length + 1];
        full[0] = "ndctl";
        System.arraycopy(args, 0, full, 1, args.length);
        int rc = Main.run(new PrintWriter(out), new PrintWriter(err), full);
        if (rc != 0) {
            throw new IllegalStateException(String.join(" ", full) + " -> " + rc + ": " + err);
        }
    }
}
