package dev.pmemdump.vmcore.elf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One ELF note: owner name (stored with a terminating NUL, {@code n_namesz = length + 1}), type and
 * descriptor. Equality compares the descriptor bytes.
 */
public record Note(String name, int type, byte[] descriptor) {
    /** {@code NT_PRSTATUS}, the per-CPU register note named CORE. */
    public static final int NT_PRSTATUS = 1;

    public Note {
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("note name contains a NUL: " + name);
        }
        descriptor = descriptor.clone();
    }

    @Override
    public byte[] descriptor() {
        return descriptor.clone();
    }

    public int descriptorSize() {
        return descriptor.length;
    }

    /** {@code n_namesz}: the name's bytes plus the NUL. */
    public int nameSize() {
        return name.getBytes(StandardCharsets.US_ASCII).length + 1;
    }

    /** Bytes this note takes in a segment: header, padded name, padded descriptor. */
    public long encodedSize() {
        return Elf64.NHDR_SIZE + pad4(nameSize()) + pad4(descriptor.length);
    }

    static long pad4(long n) {
        return (n + Elf64.NOTE_ALIGN - 1) & -Elf64.NOTE_ALIGN;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Note n && n.type == type && n.name.equals(name) && Arrays.equals(n.descriptor, descriptor);
    }

    @Override
    public int hashCode() {
        return (name.hashCode() * 31 + type) * 31 + Arrays.hashCode(descriptor);
    }

    @Override
    public String toString() {
        String head = HexFormat.of().formatHex(descriptor, 0, Math.min(16, descriptor.length));
        return "Note[" + name + ", type=0x" + Integer.toHexString(type) + ", descsz=" + descriptor.length + ", " + head
                + (descriptor.length > 16 ? "...]" : "]");
    }
}
