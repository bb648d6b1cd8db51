package dev.pmemdump.images;

import dev.pmemdump.io.Range;

import dev.pmemdump.io.AtomicOutput;
import dev.pmemdump.io.OutputRules;
import dev.pmemdump.io.OutputSet;
import dev.pmemdump.io.Progress;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.dd.DeviceDumps;
import dev.pmemdump.vmcore.elf.Note;
import dev.pmemdump.vmcore.devm.DevmMemmapList;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code pmemdump image build}: a scenario's first kernel, its panic and its capture, written into one
 * directory. Every file is built under a temporary name beside its own and all are renamed only
 * when everything succeeded (one {@link OutputSet}), so a failed build leaves no half-written output.
 */
public final class ImageBuilder {
    public static final String RAM = "ram.img";
    public static final String IOMEM = "iomem";
    public static final String ELFCOREHDR = "elfcorehdr";
    public static final String VMCORE = "vmcore";
    public static final String VMCOREINFO = "vmcoreinfo.txt";
    public static final String MANIFEST = "manifest.json";
    public static final String KMEMDUMP = "kmemdump.core";
    /** CRASHTIME of the real fixture; each seed moves it by a second. */
    static final long BASE_CRASHTIME = 1795377056L;

    /** The first kernel's command line (the fixture's, with this scenario's crashkernel). */
    static final String COMMAND_LINE = "BOOT_IMAGE=/boot/vmlinuz-6.1.0-56-amd64 root=/dev/vda ro console=ttyS0";

    private ImageBuilder() {}

    /** Builds into {@code outDir}, replacing what an earlier build left there (library callers, verify). */
    public static Manifest build(Scenario s, Path outDir, Progress progress) throws IOException {
        return build(s, outDir, progress, OutputRules.REPLACE.unsynced());
    }

    /** Builds into {@code outDir}; {@code rules} decide whether existing files there may be replaced. */
    public static Manifest build(Scenario s, Path outDir, Progress progress, OutputRules rules) throws IOException {
        s.validate();
        Files.createDirectories(outDir);
        try (OutputSet outputs = new OutputSet(rules)) {
            List<AtomicOutput> images = new ArrayList<>();
            images.add(outputs.create(outDir.resolve(RAM)));
            AtomicOutput vmcore = outputs.create(outDir.resolve(VMCORE));
            List<Path> pmemTmp = new ArrayList<>();
            for (int i = 0; i < (s.pmem() == null ? 0 : s.pmem().size()); i++) {
                images.add(outputs.create(outDir.resolve(pmemImage(i))));
                pmemTmp.add(images.getLast().tempPath());
            }
            Manifest manifest;
            try (FirstKernel k = FirstKernel.build(s, images.getFirst().tempPath(), pmemTmp)) {
                progress.update(1, 4);
                VmcoreInfo info = KernelVmcoreInfo.build(k, BASE_CRASHTIME + s.seed(), buildId(s));
                if (k.devmHead() != 0) {
                    info = DevmMemmapList.withVmcoreInfoLines(info, k.devmHead(), DevmMemmapList.Layout.LP64);
                }
                Panic.saveCpuNotes(k);
                Panic.saveVmcoreInfo(k, info);
                String iomem = IomemText.format(IomemText.entries(s, k.pmem().iomemChildren()));
                outputs.write(outDir.resolve(IOMEM), iomem.getBytes(StandardCharsets.US_ASCII));
                outputs.write(outDir.resolve(VMCOREINFO), info.bytes());
                progress.update(2, 4);
                List<Note> dumps = new ArrayList<>();
                List<Manifest.DeviceDumpEntry> dumpEntries = new ArrayList<>();
                java.util.SplittableRandom dumpRnd = new java.util.SplittableRandom(s.seed() ^ 0x7664647564L);
                for (Scenario.DeviceDump d : s.deviceDumps() == null ? List.<Scenario.DeviceDump>of() : s.deviceDumps()) {
                    byte[] data = new byte[(int) d.length()];
                    dumpRnd.nextBytes(data);
                    byte[] head = (d.name() + " register dump, seed " + s.seed() + "\n").getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(head, 0, data, 0, Math.min(head.length, data.length));
                    dumps.add(DeviceDumps.toNote(d.name(), data, (int) Linux61.PAGE_SIZE));
                    dumpEntries.add(new Manifest.DeviceDumpEntry(d.name(), data.length,
                            HexFormat.of().formatHex(Manifest.sha256().digest(data))));
                }
                Capture.Result capture = Capture.run(k, k.memory(), iomem, dumps,
                        outputs.create(outDir.resolve(ELFCOREHDR)), vmcore);
                try (AtomicOutput kmemdump = outputs.create(outDir.resolve(KMEMDUMP))) {
                    KmemdumpCoreImage.write(kmemdump, info, COMMAND_LINE, KmemdumpCoreImage.regions(k));
                    kmemdump.commit();
                }
                progress.update(3, 4);
                List<Manifest.CanaryEntry> canaries = new ArrayList<>();
                for (FirstKernel.Canary c : k.canaries()) {
                    canaries.add(Manifest.canary(c.text(), c.pageClass(), c.physAddress(), capture.segments()));
                }
                List<Manifest.MetadataRange> metadata = new ArrayList<>();
                for (PmemDevices.Placed p : k.pmem().withMemmap()) {
                    if (p.onDevice()) {
                        Range r = p.metadataPfns();
                        metadata.add(new Manifest.MetadataRange(p.ns().dev(), r.start(), r.end(),
                                Manifest.sha256OfPages(p.image(), r), Manifest.MetadataRange.DEVICE));
                    }
                    for (Range r : k.pmem().ramMemmapPfns(p)) {
                        metadata.add(new Manifest.MetadataRange(p.ns().dev(), r.start(), r.end(),
                                Manifest.sha256OfPages(k.ram(), r), Manifest.MetadataRange.RAM));
                    }
                }
                manifest = new Manifest(s.kernelRelease(), s.seed(), Linux61.PAGE_SIZE,
                        ExpectedReport.of(k.pages(), capture.segments(), capture.ramSegments()),
                        Manifest.classCounts(k), Manifest.kernelRam(k), metadata, canaries, dumpEntries);
                k.ram().force();
                k.pmem().images().forEach(MemoryImage::force);
            }
            for (AtomicOutput image : images) {
                image.commit();
            }
            outputs.write(outDir.resolve(MANIFEST), manifest.toJson());
            outputs.commit();
            progress.finish();
            return manifest;
        }
    }

    /** File name of pmem region {@code i}'s image (region bytes, then the label area). */
    public static String pmemImage(int i) {
        return "pmem" + i + ".img";
    }

    /** A BUILD-ID that differs per scenario seed (40 hex digits). */
    private static String buildId(Scenario s) {
        byte[] d = Manifest.sha256().digest((s.kernelRelease() + "/" + s.seed()).getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(d, 0, 20);
    }

}
