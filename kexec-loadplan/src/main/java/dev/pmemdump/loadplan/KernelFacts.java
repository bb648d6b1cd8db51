package dev.pmemdump.loadplan;

import dev.pmemdump.io.CorruptInputException;

import java.util.OptionalLong;

/**
 * The few VMCOREINFO facts a load plan needs: {@code KERNELOFFSET} (KASLR's shift of the kernel
 * text) and {@code NUMBER(phys_base)} (where that text sits physically, used to check that the
 * VMCOREINFO and the iomem describe the same boot).
 */
public record KernelFacts(String source, OptionalLong kernelOffset, OptionalLong physBase) {

    public static final KernelFacts UNKNOWN = new KernelFacts("(none)", OptionalLong.empty(), OptionalLong.empty());

    /** Reads {@code KEY=VALUE} lines of VMCOREINFO text; other keys are ignored. */
    public static KernelFacts parse(String source, String text) throws CorruptInputException {
        OptionalLong offset = OptionalLong.empty();
        OptionalLong physBase = OptionalLong.empty();
        int line = 0;
        for (String l : text.lines().toList()) {
            line++;
            try {
                if (l.startsWith("KERNELOFFSET=")) {
                    offset = OptionalLong.of(Long.parseUnsignedLong(l.substring(13).trim(), 16));
                } else if (l.startsWith("NUMBER(phys_base)=")) {
                    physBase = OptionalLong.of(Long.parseLong(l.substring(18).trim()));
                }
            } catch (NumberFormatException e) {
                throw new CorruptInputException(source, -1, "line " + line + ": bad number in '" + l + "'");
            }
        }
        return new KernelFacts(source, offset, physBase);
    }

    /** Virtual address of {@code _text}: the default link address shifted by KERNELOFFSET. */
    public long textVirt() {
        return X86Layout.START_KERNEL_MAP + X86Layout.PHYSICAL_START + kernelOffset.orElse(0);
    }
}
