package dev.pmemdump.vmcore.xlat;

import dev.pmemdump.io.CorruptInputException;

import java.util.List;
import java.util.OptionalLong;

/**
 * What an address translation may know about the crashed kernel, whatever file it came from: the
 * kernel's own {@code SYMBOL()} and {@code NUMBER()} values (VMCOREINFO, or a table a test builds by
 * hand) and what the file format records besides (mapped ranges, a phys_base field). Which names an
 * architecture asks for is the architecture's business (x86_64: {@link X86_64Translation#of}).
 */
public interface TranslationHints {

    /** Names the source in errors. */
    String source();

    /** {@code SYMBOL(name)}: a kernel virtual address, if known. */
    OptionalLong symbol(String name) throws CorruptInputException;

    /** {@code NUMBER(name)}, if known. */
    OptionalLong number(String name) throws CorruptInputException;

    /** The error for a {@code key} (e.g. {@code SYMBOL(init_top_pgt)}) the translation cannot do without. */
    default CorruptInputException missing(String key) {
        return new CorruptInputException(source(), -1, "no " + key + " given");
    }

    /** Virtual ranges the file records as mapped (ELF PT_LOADs), in file order; none by default. */
    default List<MappedRange> mappedRanges() {
        return List.of();
    }

    /** phys_base as a file header records it (kdump-compressed sub-header), if it does. */
    default OptionalLong recordedPhysBase() {
        return OptionalLong.empty();
    }
}
