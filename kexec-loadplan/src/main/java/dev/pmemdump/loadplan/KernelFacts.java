package dev.pmemdump.loadplan;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.vmcore.VmcoreInfo;

import java.util.OptionalLong;

/**
 * The few VMCOREINFO facts a load plan needs: {@code KERNELOFFSET} (KASLR's shift of the kernel
 * text) and {@code NUMBER(phys_base)} (where that text sits physically, used to check that the
 * VMCOREINFO and the iomem describe the same boot).
 */
public record KernelFacts(String source, OptionalLong kernelOffset, OptionalLong physBase) {

    public static final KernelFacts UNKNOWN = new KernelFacts("(none)", OptionalLong.empty(), OptionalLong.empty());

    public static KernelFacts from(VmcoreInfo info) throws CorruptInputException {
        OptionalLong offset = info.has("KERNELOFFSET") ? OptionalLong.of(info.kernelOffset()) : OptionalLong.empty();
        return new KernelFacts(info.source(), offset, info.findNumber("phys_base"));
    }

    /** Virtual address of {@code _text}: the default link address shifted by KERNELOFFSET. */
    public long textVirt() {
        return X86Layout.START_KERNEL_MAP + X86Layout.PHYSICAL_START + kernelOffset.orElse(0);
    }
}
