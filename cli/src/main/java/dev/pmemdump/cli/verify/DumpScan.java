package dev.pmemdump.cli.verify;

import dev.pmemdump.filter.DumpInput;
import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.filter.page.PageSource;
import dev.pmemdump.vmcore.elf.ProgramHeader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a finished dump (ELF, kdump-compressed) back through the filter's own readers, the way an
 * analyst's tool would: which pages it holds, the sha256 of a pfn range, and where canary strings
 * occur in the decompressed pages.
 */
final class DumpScan implements AutoCloseable {
    private final DumpInput input;
    private final PageSource source;
    private final PageBitmap readable;
    /** What the source can return (for ELF, p_memsz tails too): read once, not per hashed range. */
    private final PageBitmap readableBySource;

    private DumpScan(DumpInput input) {
        this.input = input;
        this.source = input.source();
        this.readableBySource = source.readable();
        this.readable = input.isElf() ? fileBacked(input) : readableBySource;
    }

    /**
     * The pages an ELF dump holds in the file. The part of a PT_LOAD past p_filesz is what the
     * filter excluded; tools read it as zeros, so it counts for hashes but not as kept.
     */
    private static PageBitmap fileBacked(DumpInput in) {
        long pageSize = in.source().pageSize();
        PageBitmap b = new PageBitmap(in.source().maxMapnr());
        for (ProgramHeader ph : in.loads()) {
            long first = ph.paddr() / pageSize;
            long end = Math.min((ph.paddr() + ph.filesz()) / pageSize, b.size());
            if (end > first) {
                b.setRange(first, end);
            }
        }
        return b;
    }

    static DumpScan open(Path dump) throws IOException {
        return new DumpScan(DumpInput.open(dump));
    }

    PageBitmap readable() {
        return readable;
    }

    /** Pages of {@code [startPfn, endPfn)} the dump holds. */
    long pages(long startPfn, long endPfn) {
        return readable.cardinality(Math.min(startPfn, readable.size()), Math.min(endPfn, readable.size()));
    }

    /**
     * sha256 of pages {@code [startPfn, endPfn)} in order as an analyst's tool reads them (ELF tails
     * past p_filesz as zeros), or null when any of them cannot be read from the dump.
     */
    String sha256(long startPfn, long endPfn) throws IOException {
        if (endPfn > readableBySource.size()
                || readableBySource.cardinality(startPfn, endPfn) != endPfn - startPfn) {
            return null;
        }
        MessageDigest md = sha256();
        byte[] page = new byte[source.pageSize()];
        for (long pfn = startPfn; pfn < endPfn; pfn++) {
            source.read(pfn, page);
            md.update(page);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** How often each text occurs in the dump's pages (a text split across two pages is not counted). */
    Map<String, Long> occurrences(List<String> texts) throws IOException {
        byte[][] needles = texts.stream().map(t -> t.getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);
        boolean[] first = new boolean[256];
        for (byte[] n : needles) {
            first[n[0] & 0xff] = true;
        }
        long[] counts = new long[needles.length];
        byte[] page = new byte[source.pageSize()];
        for (long pfn = readable.nextSet(0); pfn >= 0; pfn = readable.nextSet(pfn + 1)) {
            source.read(pfn, page);
            for (int i = 0; i < page.length; i++) {
                if (!first[page[i] & 0xff]) {
                    continue;
                }
                for (int k = 0; k < needles.length; k++) {
                    if (matchesAt(page, i, needles[k])) {
                        counts[k]++;
                    }
                }
            }
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (int k = 0; k < texts.size(); k++) {
            out.merge(texts.get(k), counts[k], Long::sum);
        }
        return out;
    }

    private static boolean matchesAt(byte[] hay, int at, byte[] needle) {
        if (at + needle.length > hay.length) {
            return false;
        }
        for (int j = 0; j < needle.length; j++) {
            if (hay[at + j] != needle[j]) {
                return false;
            }
        }
        return true;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        input.close();
    }
}
