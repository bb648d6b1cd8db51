package dev.pmemdump.cli.kdump;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.QemuTest;
import dev.pmemdump.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real kdump, end to end, with no kernel patch (about 4 to 7 minutes under TCG): Debian's kernel in
 * QEMU with an NVDIMM in the layouts that break naive tools (native-test-images/lab/real-kdump:
 * region end 128 KiB short of 2 MiB alignment, labels v1.2, fsdax map=dev, fsdax map=mem, a raw
 * namespace in the map=mem one's memory section, devdax) loads its capture kernel with
 * {@code pmemdump loadplan kexec-load} (stock kexec_load, no PF_DEV), crashes, and in the capture
 * kernel (crashkernel=256M; at 192M its OOM killer ended the JVM) pmemdump filters /proc/vmcore as the core collector, finding the pmem
 * from the command line its load left there. Checked against values computed without pmemdump
 * (drgn and an ELF parse of the raw /proc/vmcore copy): every metadata range and its sha256; the
 * dump made inside equals the one made here from the raw copy; upstream makedumpfile fails the whole
 * dump on the same vmcore (the negative control).
 */
@QemuTest
class RealKdumpGuestTest {
    private static final Pattern HASH_LINE =
            Pattern.compile("(?m)^pfn: \\[([0-9a-f]+) - ([0-9a-f]+)\\), sha256\\[[0-9a-f]+\\]: ([0-9a-f]{64})$");
    private static final long PAGE = 4096;

    @TempDir
    Path work;

    @Test
    void stockKernelKdumpFilteredInTheCaptureKernel() throws Exception {
        for (String tool : List.of("qemu-system-x86_64", "kexec", "ndctl", "daxio", "makedumpfile", "busybox", "cpio",
                "zstd")) {
            Tools.require(tool);
        }
        Path drgnPython = Tools.requirePython("drgn");
        Path root = Fixtures.root().getParent();
        Path lab = root.resolve("native-test-images/lab/real-kdump");
        Path jar = root.resolve("cli/target/pmemdump.jar");
        Tools.run(List.of("bash", lab.resolve("run.sh").toString(), work.toString(), jar.toString()), root, 2400)
                .assertOk();
        Path share = work.resolve("share");
        String guest = Files.readString(share.resolve("c40-pmemdump-l-d31.txt"));
        assertTrue(guest.contains("rc=0") && guest.contains("makedumpfile Completed."), guest);
        assertTrue(Files.readString(share.resolve("c00-cmdline.txt")).contains("pmemdump.pmem=0x100000000-0x11ffdffff"));
        String upstream = Files.readString(share.resolve("c30-makedumpfile-l-d31.txt"));
        assertTrue(upstream.contains("Can't read the buffer of struct page") && upstream.contains("rc=1"), upstream);
        System.err.println("capture kernel, pmemdump: " + figures(guest) + "; makedumpfile: " + figures(upstream));

        // the truth, computed without pmemdump from the raw copy of /proc/vmcore
        Path truthFile = work.resolve("ground-truth.json");
        Tools.Run truthRun = Tools.run(List.of(drgnPython.toString(), lab.resolve("ground-truth.py").toString(),
                share.resolve("vmcore.raw").toString(), share.resolve("20-nstable.txt").toString(),
                share.resolve("21-holders.txt").toString()), work, 600).assertOk();
        Files.writeString(truthFile, truthRun.stdout());
        JsonNode truth = new ObjectMapper().readTree(truthRun.stdout());
        TreeMap<Long, String> device = new TreeMap<>();
        TreeSet<Long> ram = new TreeSet<>();
        for (JsonNode ns : truth.get("namespaces")) {
            if (!ns.has("map")) {
                continue;
            }
            if (ns.get("map").asText().equals("dev")) {
                device.put(Long.decode(ns.get("ns_start").asText()) / PAGE, ns.get("sha256_ns_start_to_data_start").asText());
            } else {
                for (JsonNode r : ns.get("memmap_physical_runs")) {
                    for (long pa = Long.decode(r.get("pa_start").asText()); pa < Long.decode(r.get("pa_end").asText()); pa += PAGE) {
                        ram.add(pa / PAGE);
                    }
                }
            }
        }
        TreeMap<Long, String> printedDevice = new TreeMap<>();
        TreeSet<Long> printedRam = new TreeSet<>();
        Matcher m = HASH_LINE.matcher(guest);
        while (m.find()) {
            long start = Long.parseLong(m.group(1), 16);
            long end = Long.parseLong(m.group(2), 16);
            if (start >= 0x100000) {
                printedDevice.put(start, m.group(3));
            } else {
                for (long p = start; p < end; p++) {
                    printedRam.add(p);
                }
            }
        }
        assertEquals(device, printedDevice, "device metadata ranges and sha256 (fsdax map=dev, devdax)");
        assertEquals(ram, printedRam, "struct pages of the map=mem namespace in RAM");
        assertEquals(256, printedRam.size(), "1 MiB of struct pages for 64 MiB");

        // the same filter here, on the raw copy, with the capture kernel's command line: the same dump
        Path host = work.resolve("host.kdump");
        Tools.run(List.of(root.resolve("bin/pmemdump").toString(), "makedumpfile", "-l", "-d", "31", "--cmdline",
                share.resolve("c00-cmdline.txt").toString(), share.resolve("vmcore.raw").toString(), host.toString()),
                root, 600).assertOk();
        assertArrayEquals(Files.readAllBytes(share.resolve("guest-pmemdump-l-d31.kdump")), Files.readAllBytes(host),
                "the dump made in the capture kernel equals the one made from the raw copy");
    }

    /**
     * "wall ..., peak RSS ... KiB" from busybox time -v's lines. busybox prints ru_maxrss, which Linux
     * gives in KiB, as if it were pages: its figure is 4 times the real one (measured against GNU time
     * on the same process), so it is divided back here.
     */
    private static String figures(String timeV) {
        Matcher wall = Pattern.compile("Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\): (.+)").matcher(timeV);
        Matcher rss = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)").matcher(timeV);
        return "wall " + (wall.find() ? wall.group(1) : "?") + ", peak RSS "
                + (rss.find() ? String.valueOf(Long.parseLong(rss.group(1)) / 4) : "?") + " KiB";
    }
}
