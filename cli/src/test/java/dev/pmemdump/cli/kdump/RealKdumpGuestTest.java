package dev.pmemdump.cli.kdump;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.QemuTest;
import dev.pmemdump.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.pmemdump.cli.kdump.RealKdumpTruth.figures;
import static dev.pmemdump.cli.kdump.RealKdumpTruth.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real kdump, end to end, with no kernel patch (about 3 to 6 minutes under TCG): pmemdump installed
 * by {@code scripts/install}, then Debian's kernel in QEMU (native-test-images/lab/real-kdump) with
 * an NVDIMM in the layouts that break naive tools (region end 128 KiB short of 2 MiB alignment,
 * labels v1.2, fsdax map=dev, fsdax map=mem, a raw namespace in the map=mem one's memory section,
 * devdax) and a second one with labels v1.1 (fsdax map=dev). The first kernel loads its capture
 * kernel with the installed {@code pmemdump loadplan kexec-load} (stock kexec_load, no PF_DEV) at
 * crashkernel=192M and crashes; the capture kernel, whose initramfs carries the installed tree as the
 * dracut module puts it there (no JDK, nothing run from the share), runs the installed makedumpfile
 * as kdump-tools' savecore does (PATH from the shipped snippet, --dump-dmesg, then -F -c -d 31 into a
 * pipe) and as dracut's kdump does (core_collector -l --message-level 7 -d 31 to vmcore-incomplete,
 * renamed). Checked against values computed without pmemdump: every metadata range and sha256 (drgn
 * and an ELF parse of the raw /proc/vmcore copy; for device metadata also the NVDIMM media, byte for
 * byte as dd reads them), the label versions on the media, the dmesg upstream makedumpfile extracts;
 * each dump made inside equals the one the installed command makes here from the raw copy; no
 * pattern line of pmem user data in the ELF dump; upstream makedumpfile fails the whole dump on the
 * same vmcore (the negative control).
 */
@QemuTest
class RealKdumpGuestTest {
    private static final String CRASHKERNEL = "192M";
    private static final long LABEL_AREA = 128 * 1024;

    @TempDir
    Path work;

    @Test
    void installedMakedumpfileRunsInTheCaptureKernelAsKdumpToolsAndDracutRunIt() throws Exception {
        for (String tool : List.of("qemu-system-x86_64", "kexec", "ndctl", "daxio", "makedumpfile", "busybox", "cpio",
                "zstd", "time")) {
            Tools.require(tool);
        }
        Path drgnPython = Tools.requirePython("drgn");
        Path root = Fixtures.root().getParent();
        Path lab = root.resolve("native-test-images/lab/real-kdump");
        Path prefix = work.resolve("stage");
        Tools.run(List.of(root.resolve("scripts/install").toString(), "--prefix", prefix.toString(), "--no-aot"), root,
                900).assertOk();
        long start = System.nanoTime();
        Tools.run(List.of("bash", lab.resolve("run.sh").toString(), work.toString(), prefix.toString(), CRASHKERNEL),
                root, 2400).assertOk();
        System.err.println("real kdump lab: " + (System.nanoTime() - start) / 1_000_000_000 + " s; "
                + Files.readString(work.resolve("initramfs-sizes.txt")).strip());
        Path share = work.resolve("share");
        Path makedumpfile = prefix.resolve("sbin/makedumpfile");

        // the commands kdump-tools and dracut's kdump ran were the installed launcher, and they succeeded
        assertTrue(read(share, "c30-kdump-tools-env.txt").contains("makedumpfile=" + makedumpfile));
        assertTrue(read(share, "c40-dracut-env.txt").contains("makedumpfile=/usr/sbin/makedumpfile"));
        String ktDmesg = read(share, "c31-kdump-tools-dmesg.txt");
        String ktVmcore = read(share, "c32-kdump-tools-vmcore.txt");
        String drVmcore = read(share, "c41-dracut-vmcore.txt");
        for (String log : List.of(ktDmesg, ktVmcore, drVmcore)) {
            assertTrue(log.contains("rc=0") && log.contains("makedumpfile Completed."), log);
        }
        Path ktDir = onlyChild(share.resolve("kdump-tools"));
        Path ktDump = onlyChild(ktDir, "dump.");
        Path ktDmesgFile = onlyChild(ktDir, "dmesg.");
        Path drDir = onlyChild(share.resolve("dracut/var/crash"));
        assertEquals(List.of(drDir.resolve("vmcore")), children(drDir, ""), "vmcore-incomplete renamed");
        String upstream = read(share, "c20-upstream-l-d31.txt");
        assertTrue(upstream.contains("Can't read the buffer of struct page") && upstream.contains("rc=1"), upstream);
        System.err.println("capture kernel at crashkernel=" + CRASHKERNEL + " ("
                + read(share, "c05-meminfo-start.txt").lines().findFirst().orElse("?") + "): kdump-tools dmesg "
                + figures(share.resolve("c31-kdump-tools-dmesg.time")) + "; kdump-tools -F -c -d 31 "
                + figures(share.resolve("c32-kdump-tools-vmcore.time")) + "; dracut -l -d 31 "
                + figures(share.resolve("c41-dracut-vmcore.time")) + "; upstream makedumpfile -l -d 31 (fails) "
                + figures(share.resolve("c20-upstream-l-d31.time")));

        // the load put every pmem range of the first kernel on the capture command line
        List<long[]> pmem = RealKdumpTruth.pmemRanges(read(share, "40-iomem.txt"));
        assertEquals(2, pmem.size(), "two NVDIMM regions");
        assertTrue(read(share, "c00-cmdline.txt").contains(RealKdumpTruth.pmemParameter(pmem) + " "));

        // the truth, computed without pmemdump from the raw copy of /proc/vmcore and from the media
        JsonNode truth = groundTruth(drgnPython, lab, share);
        RealKdumpTruth.Metadata expected = RealKdumpTruth.Metadata.of(truth);
        List<Path> media = List.of(work.resolve("nvdimm.img"), work.resolve("nvdimm1.img"));
        assertEquals("v1.2 labels of 256 bytes", RealKdumpTruth.labelVersion(media.get(0), LABEL_AREA));
        assertEquals("v1.1 labels of 128 bytes", RealKdumpTruth.labelVersion(media.get(1), LABEL_AREA));
        int onV11 = 0;
        for (JsonNode ns : truth.get("namespaces")) {
            if (!ns.has("map") || !ns.get("map").asText().equals("dev")) {
                continue;
            }
            long nsStart = hex(ns, "ns_start");
            int region = nsStart > pmem.get(0)[1] ? 1 : 0;
            onV11 += region;
            assertEquals(ns.get("sha256_ns_start_to_data_start").asText(), RealKdumpTruth.sha256(media.get(region),
                    nsStart - pmem.get(region)[0], hex(ns, "data_start") - nsStart), "media bytes of " + ns.get("name"));
        }
        assertEquals(1, onV11, "one map=dev namespace on the v1.1 NVDIMM");
        assertEquals(3, expected.device().size(), "fsdax-dev, devdax, v11-dev and nothing else: " + expected.device());
        assertEquals(256, expected.ram().size(), "1 MiB of struct pages for 64 MiB");
        for (String log : List.of(ktVmcore, drVmcore)) {
            RealKdumpTruth.Metadata printed = RealKdumpTruth.Metadata.printed(log);
            assertEquals(expected.device(), printed.device(), "device metadata ranges and sha256");
            assertEquals(expected.ram(), printed.ram(), "struct pages of the map=mem namespace in RAM");
        }

        // the installed command here, on the raw copy with the capture kernel's command line: the same files
        Path raw = share.resolve("vmcore.raw");
        String cmdline = share.resolve("c00-cmdline.txt").toString();
        Path hostFlat = work.resolve("host.flat");
        Path hostKdump = work.resolve("host.kdump");
        Path hostDmesg = work.resolve("host.dmesg");
        Path upstreamDmesg = work.resolve("upstream.dmesg");
        Path hostElf = work.resolve("host.elf");
        shell(work, "'" + makedumpfile + "' -F -c -d 31 --cmdline " + cmdline + " " + raw + " > " + hostFlat);
        shell(work, "'" + makedumpfile + "' -l --message-level 7 -d 31 --cmdline " + cmdline + " " + raw + " " + hostKdump);
        shell(work, "'" + makedumpfile + "' --dump-dmesg " + raw + " " + hostDmesg);
        shell(work, "makedumpfile --dump-dmesg " + raw + " " + upstreamDmesg);
        assertEquals(-1, Files.mismatch(ktDump, hostFlat), "kdump-tools' dump equals the host's");
        assertEquals(-1, Files.mismatch(drDir.resolve("vmcore"), hostKdump), "dracut's dump equals the host's");
        assertEquals(-1, Files.mismatch(ktDmesgFile, hostDmesg), "kdump-tools' dmesg equals the host's");
        assertEquals(-1, Files.mismatch(ktDmesgFile, upstreamDmesg), "the dmesg equals upstream makedumpfile's");

        // pmem user data: all of it in the vmcore's pmem, none in the dump's (the ELF format shows it)
        shell(work, "'" + makedumpfile + "' -E -d 31 --cmdline " + cmdline + " " + raw + " " + hostElf);
        byte[] line = "PMEM-FIXTURE ".getBytes(StandardCharsets.US_ASCII);
        assertEquals(5 * 16384, RealKdumpTruth.countInPmem(raw, pmem, line), "the lines written to 5 namespaces");
        assertEquals(0, RealKdumpTruth.countInPmem(hostElf, pmem, line), "pmem user data in the ELF dump");
    }

    private static JsonNode groundTruth(Path drgnPython, Path lab, Path share) throws IOException {
        Tools.Run run = Tools.run(List.of(drgnPython.toString(), lab.resolve("ground-truth.py").toString(),
                share.resolve("vmcore.raw").toString(), share.resolve("20-nstable.txt").toString(),
                share.resolve("21-holders.txt").toString()), share, 600).assertOk();
        Files.writeString(share.resolve("ground-truth.json"), run.stdout());
        return new ObjectMapper().readTree(run.stdout());
    }

    private static void shell(Path dir, String command) {
        Tools.run(List.of("sh", "-c", command), dir, 600).assertOk();
    }

    private static String read(Path dir, String name) throws IOException {
        return Files.readString(dir.resolve(name));
    }

    private static List<Path> children(Path dir, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    private static Path onlyChild(Path dir) throws IOException {
        return onlyChild(dir, "");
    }

    private static Path onlyChild(Path dir, String prefix) throws IOException {
        List<Path> c = children(dir, prefix);
        assertEquals(1, c.size(), dir + ": " + c);
        assertFalse(Files.exists(dir.resolve("dump-incomplete")), "dump-incomplete renamed");
        return c.get(0);
    }
}
