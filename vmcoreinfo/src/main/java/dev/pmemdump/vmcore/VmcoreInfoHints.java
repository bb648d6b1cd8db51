package dev.pmemdump.vmcore;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.vmcore.xlat.MappedRange;
import dev.pmemdump.vmcore.xlat.TranslationHints;

import java.util.List;
import java.util.OptionalLong;

/**
 * A dump's {@link TranslationHints}: its VMCOREINFO for {@code SYMBOL()}/{@code NUMBER()}, plus what the
 * file format itself records (an ELF core's PT_LOAD ranges, a kdump header's phys_base). Translation
 * sees only this, not the file.
 */
public record VmcoreInfoHints(VmcoreInfo info, List<MappedRange> mappedRanges, OptionalLong recordedPhysBase)
        implements TranslationHints {

    public VmcoreInfoHints {
        mappedRanges = List.copyOf(mappedRanges);
    }

    /** VMCOREINFO alone: no ranges, no recorded phys_base. */
    public static VmcoreInfoHints of(VmcoreInfo info) {
        return new VmcoreInfoHints(info, List.of(), OptionalLong.empty());
    }

    /** These hints with the ranges an ELF core's PT_LOADs record. */
    public VmcoreInfoHints withMappedRanges(List<MappedRange> ranges) {
        return new VmcoreInfoHints(info, ranges, recordedPhysBase);
    }

    /** These hints with the phys_base a file header records. */
    public VmcoreInfoHints withRecordedPhysBase(long physBase) {
        return new VmcoreInfoHints(info, mappedRanges, OptionalLong.of(physBase));
    }

    @Override
    public String source() {
        return info.source();
    }

    @Override
    public OptionalLong symbol(String name) throws CorruptInputException {
        return info.findSymbol(name);
    }

    @Override
    public OptionalLong number(String name) throws CorruptInputException {
        return info.findNumber(name);
    }

    @Override
    public CorruptInputException missing(String key) {
        return info.missing(key);
    }
}
