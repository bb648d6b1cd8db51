package dev.pmemdump.vmcore.elf;

import dev.pmemdump.io.Bytes;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Field offsets and constants of the ELF64 structures a core file uses (System V gABI, as quoted in
 * docs/dump-formats.md §1.1). Only the layout lives here; {@link ElfCore} and {@link ElfCoreWriter} do
 * the reading and writing.
 */
final class Elf64 {
    private Elf64() {}

    static final byte[] MAGIC = {0x7f, 'E', 'L', 'F'};
    static final int EI_CLASS = 4;
    static final int EI_DATA = 5;
    static final int EI_VERSION = 6;
    static final int EI_OSABI = 7;
    static final int EI_NIDENT = 16;
    static final byte ELFCLASS64 = 2;
    static final byte ELFDATA2LSB = 1;
    static final byte ELFDATA2MSB = 2;
    static final byte EV_CURRENT = 1;

    static final int ET_CORE = 4;
    /** e_phnum value that moves the real count into section header 0; cores from Linux never need it. */
    static final int PN_XNUM = 0xffff;
    /** Elf64_Shdr: only section header 0 is written, for extended numbering (its sh_size, sh_link, sh_info). */
    static final int SHDR_SIZE = 64;
    static final int SH_SIZE = 32;
    static final int SH_LINK = 40;
    static final int SH_INFO = 44;

    // Elf64_Ehdr
    static final int E_TYPE = 16;
    static final int E_MACHINE = 18;
    static final int E_VERSION = 20;
    static final int E_ENTRY = 24;
    static final int E_PHOFF = 32;
    static final int E_SHOFF = 40;
    static final int E_FLAGS = 48;
    static final int E_EHSIZE = 52;
    static final int E_PHENTSIZE = 54;
    static final int E_PHNUM = 56;
    static final int E_SHENTSIZE = 58;
    static final int E_SHNUM = 60;
    static final int E_SHSTRNDX = 62;
    static final int EHDR_SIZE = 64;

    // Elf64_Phdr
    static final int P_TYPE = 0;
    static final int P_FLAGS = 4;
    static final int P_OFFSET = 8;
    static final int P_VADDR = 16;
    static final int P_PADDR = 24;
    static final int P_FILESZ = 32;
    static final int P_MEMSZ = 40;
    static final int P_ALIGN = 48;
    static final int PHDR_SIZE = 56;

    // Elf64_Nhdr
    static final int N_NAMESZ = 0;
    static final int N_DESCSZ = 4;
    static final int N_TYPE = 8;
    static final int NHDR_SIZE = 12;
    /** Names and descriptors of notes are padded to 4 bytes in core files. */
    static final int NOTE_ALIGN = 4;

    static ValueLayout.OfShort u16(ByteOrder order) {
        return order == ByteOrder.LITTLE_ENDIAN ? Bytes.LE_U16 : Bytes.BE_U16;
    }

    static ValueLayout.OfInt u32(ByteOrder order) {
        return order == ByteOrder.LITTLE_ENDIAN ? Bytes.LE_U32 : Bytes.BE_U32;
    }

    static ValueLayout.OfLong u64(ByteOrder order) {
        return order == ByteOrder.LITTLE_ENDIAN ? Bytes.LE_U64 : Bytes.BE_U64;
    }
}
