package dev.pmemdump.images;

import static dev.pmemdump.images.Linux61.*;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The kernel image [_text, _end) in RAM: code, rodata and data with content, bss zero, and the few
 * objects readers look at ({@code init_uts_ns}). Page-table pages of head_64.S are left zero for
 * {@link PageTables} to fill.
 */
final class KernelImage {
    private final MemoryImage ram;
    private final long textPa;

    KernelImage(MemoryImage ram, long textPa) {
        this.ram = ram;
        this.textPa = textPa;
    }

    long pa(long imageOffset) {
        return textPa + imageOffset;
    }

    static long va(long imageOffset) {
        return TEXT_VA + imageOffset;
    }

    /** phys_base: what __START_KERNEL_map maps to (negative when KASLR moved the image down). */
    long physBase() {
        return textPa - (TEXT_VA - START_KERNEL_MAP);
    }

    void fill(SplittableRandom rnd, String release, long seed) {
        Fill.random(ram, pa(0), IMAGE_CODE_END, rnd);
        Fill.random(ram, pa(IMAGE_RODATA), IMAGE_RODATA_END - IMAGE_RODATA, rnd);
        Fill.random(ram, pa(IMAGE_DATA), IMAGE_DATA_END - IMAGE_DATA, rnd);
        // head_64.S page tables and the uts namespace page start out clean.
        for (long t : new long[] {SYM_INIT_TOP_PGT, SYM_LEVEL3_KERNEL_PGT, SYM_LEVEL2_KERNEL_PGT, SYM_INIT_UTS_NS}) {
            ram.slice(pa(t), PAGE_SIZE).fill((byte) 0);
        }
        String banner = "Linux version " + release + " (pmemdump scenario seed " + seed + ")\n";
        ram.putString(pa(IMAGE_RODATA), banner);
        writeUtsName(release);
    }

    /** struct new_utsname: six NUL-padded 65-byte strings. */
    private void writeUtsName(String release) {
        String[] fields = {"Linux", "pmemdump-test", release, "#1 SMP PREEMPT_DYNAMIC Debian 6.1.158-1 (2025-11-09)",
                "x86_64", "(none)"};
        long p = pa(SYM_INIT_UTS_NS + UTS_NAMESPACE_NAME);
        for (String f : fields) {
            byte[] b = f.getBytes(StandardCharsets.US_ASCII);
            if (b.length >= UTS_FIELD_LEN) {
                throw new IllegalArgumentException("utsname field too long: " + f);
            }
            ram.putBytes(p, b);
            p += UTS_FIELD_LEN;
        }
    }
}
