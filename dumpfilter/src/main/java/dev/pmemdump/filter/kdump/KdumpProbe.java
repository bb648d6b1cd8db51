package dev.pmemdump.filter.kdump;

import dev.pmemdump.filter.page.InputProbe;
import dev.pmemdump.filter.page.PageSourceMemory;
import dev.pmemdump.filter.page.ProbedDump;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.VmcoreInfoHints;
import dev.pmemdump.vmcore.xlat.KernelMemory;
import dev.pmemdump.vmcore.xlat.X86_64Translation;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import dev.pmemdump.io.ReadMethod;

import java.nio.file.Path;
import java.util.List;

/**
 * Kdump-compressed input (an earlier makedumpfile run): pages through {@link KdumpReader}, hints from
 * the VMCOREINFO it stored and the phys_base of its sub-header. It records no virtual ranges, so
 * translation walks the page tables for the direct map too.
 */
public final class KdumpProbe implements InputProbe {

    @Override
    public boolean claims(byte[] head) {
        return KdumpHeader.isKdump(ByteBuffer.wrap(head));
    }

    @Override
    public ProbedDump open(Path path, ReadMethod method) throws IOException {
        KdumpReader r = KdumpReader.open(path);
        try {
            String text = r.vmcoreinfo();
            if (text.isEmpty()) {
                throw new CorruptInputException(path.toString(), -1, "doesn't contain vmcoreinfo.");
            }
            VmcoreInfo vi = VmcoreInfo.parse(text, path.toString());
            return new ProbedDump(r, vi, hints(r, vi), kernelMemory(r, vi), List.of(), r.header().dumpLevel());
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
    }

    /** What the dump tells translation: its stored VMCOREINFO and the phys_base of its sub-header. */
    private static VmcoreInfoHints hints(KdumpReader r, VmcoreInfo vi) {
        return VmcoreInfoHints.of(vi).withRecordedPhysBase(r.header().physBase());
    }

    /** The crashed kernel's virtual memory inside the dump's pages (x86_64), translated with {@link #hints}. */
    public static KernelMemory kernelMemory(KdumpReader r, VmcoreInfo vi) throws CorruptInputException {
        PageSourceMemory pm = new PageSourceMemory(r);
        return new KernelMemory(pm, X86_64Translation.of(pm, hints(r, vi)), ByteOrder.LITTLE_ENDIAN);
    }
}
