package dev.pmemdump.vmcore.elf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One ELF note: owner name, type and descriptor. {@code nameSize} is {@code n_namesz}: normally the
 * name plus its NUL, but device dumps pad the name field ("LINUX" with {@code n_namesz} 8), and the
 * value is kept so notes round-trip exactly. Equality compares the descriptor bytes.
 */
public record Note(String name, int type, byte[] descriptor, int nameSize) {
    /** {@code NT_PRSTATUS}, the per-CPU register note named CORE. */
    public static final int NT_PRSTATUS = 1;

    public Note {
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("note name contains a NUL: " + name);
        }
        if (nameSize < name.getBytes(StandardCharsets.US_ASCII).length + 1) {
            throw new IllegalArgumentException("n_namesz " + nameSize + " too small for note name " + name);
        }
        descriptor = descriptor.clone();
    }

    /** A note whose {@code n_namesz} is the name plus its NUL, as {@code append_elf_note()} writes. */
    public Note(String name, int type, byte[] descriptor) {
        this(name, type, descriptor, name.getBytes(StandardCharsets.US_ASCII).length + 1);
    }

    @Override
    public byte[] descriptor() {
        return descriptor.clone();
    }

    public int descriptorSize() {
        return descriptor.length;
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
        return o instanceof Note n && n.type == type && n.nameSize == nameSize && n.name.equals(name)
                && Arrays.equals(n.descriptor, descriptor);
    }

    @Override
    public int hashCode() {
        return ((name.hashCode() * 31 + type) * 31 + nameSize) * 31 + Arrays.hashCode(descriptor);
    }

    @Override
    public String toString() {
        String head = HexFormat.of().formatHex(descriptor, 0, Math.min(16, descriptor.length));
        return "Note[" + name + ", type=0x" + Integer.toHexString(type) + ", descsz=" + descriptor.length + ", " + head
                + (descriptor.length > 16 ? "...]" : "]");
    }
}
