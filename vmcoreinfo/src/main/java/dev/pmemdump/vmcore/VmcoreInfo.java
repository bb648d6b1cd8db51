package dev.pmemdump.vmcore;

import dev.pmemdump.io.CorruptInputException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The VMCOREINFO text (docs/dump-formats.md §1.5): {@code KEY=VALUE} lines in the order the kernel
 * printed them, unknown keys included, so {@link #text()} gives back the parsed bytes exactly.
 * Typed accessors read the kernel's formats ({@code SYMBOL} hex without 0x, {@code NUMBER} signed
 * decimal, ...) and fail with an error naming the missing or malformed key; when several lines carry
 * a key the first wins, as in makedumpfile.
 */
public final class VmcoreInfo {

    /** One line: {@code key=value}, or a line without '=' kept whole as {@code key} with a null value. */
    public record Entry(String key, String value) {
        String line() {
            return value == null ? key : key + "=" + value;
        }
    }

    /** The kernel formats each line into an 80-byte buffer: longer lines would be cut. */
    public static final int MAX_LINE_CHARS = 79;
    /** The kernel caps the whole text at one page ({@code VMCOREINFO_BYTES} with 4 KiB pages). */
    public static final int MAX_BYTES = 4096;
    /** A VMCOREINFO note or text file read from outside: one page of the largest page size (64 KiB). */
    public static final int MAX_NOTE_BYTES = 65536;

    private final String source;
    private final List<Entry> entries;
    private final boolean endsWithNewline;

    private VmcoreInfo(String source, List<Entry> entries, boolean endsWithNewline) {
        this.source = source;
        this.entries = List.copyOf(entries);
        this.endsWithNewline = endsWithNewline;
    }

    /** Parses VMCOREINFO text; {@code source} names where it came from in errors. */
    public static VmcoreInfo parse(String text, String source) {
        List<Entry> entries = new ArrayList<>();
        int pos = 0;
        while (pos < text.length()) {
            int nl = text.indexOf('\n', pos);
            String line = nl < 0 ? text.substring(pos) : text.substring(pos, nl);
            int eq = line.indexOf('=');
            entries.add(eq < 0 ? new Entry(line, null) : new Entry(line.substring(0, eq), line.substring(eq + 1)));
            pos = nl < 0 ? text.length() : nl + 1;
        }
        return new VmcoreInfo(source, entries, text.isEmpty() || text.endsWith("\n"));
    }

    /**
     * Parses a note descriptor. The text ends at the first NUL, as consumers read it (a buffer padded
     * with zeros is not more lines).
     */
    public static VmcoreInfo parse(byte[] descriptor, String source) {
        int end = 0;
        while (end < descriptor.length && descriptor[end] != 0) {
            end++;
        }
        return parse(new String(descriptor, 0, end, StandardCharsets.ISO_8859_1), source);
    }

    public static Builder builder() {
        return new Builder();
    }

    public String source() {
        return source;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The text as the kernel printed it. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < entries.size(); i++) {
            sb.append(entries.get(i).line());
            if (i < entries.size() - 1 || endsWithNewline) {
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    public byte[] bytes() {
        return text().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The first value of {@code key}, if any. */
    public Optional<String> get(String key) {
        for (Entry e : entries) {
            if (e.key().equals(key) && e.value() != null) {
                return Optional.of(e.value());
            }
        }
        return Optional.empty();
    }

    /** The value of {@code key}, or a named error. */
    public String require(String key) throws CorruptInputException {
        return get(key).orElseThrow(() -> missing(key));
    }

    /** The error for a line {@code key=} that a reader cannot do without. */
    public CorruptInputException missing(String key) {
        return new CorruptInputException(source, -1, "VMCOREINFO has no " + key + "=");
    }

    public boolean has(String key) {
        return get(key).isPresent();
    }

    /** {@code SYMBOL(name)}: a kernel virtual address. */
    public long symbol(String name) throws CorruptInputException {
        return hex(symbolKey(name), require(symbolKey(name)));
    }

    public OptionalLong findSymbol(String name) throws CorruptInputException {
        return find(symbolKey(name), true);
    }

    /** {@code NUMBER(name)}: signed decimal (a few kernels print 0x-prefixed hex, also accepted). */
    public long number(String name) throws CorruptInputException {
        return decimal(numberKey(name), require(numberKey(name)));
    }

    public OptionalLong findNumber(String name) throws CorruptInputException {
        return find(numberKey(name), false);
    }

    /** {@code SIZE(name)}: sizeof a structure or variable. */
    public long size(String name) throws CorruptInputException {
        return decimal("SIZE(" + name + ")", require("SIZE(" + name + ")"));
    }

    /** {@code OFFSET(struct.field)}. */
    public long offset(String struct, String field) throws CorruptInputException {
        String key = "OFFSET(" + struct + "." + field + ")";
        return decimal(key, require(key));
    }

    /** {@code LENGTH(name)}: number of array elements. */
    public long length(String name) throws CorruptInputException {
        return decimal("LENGTH(" + name + ")", require("LENGTH(" + name + ")"));
    }

    public String osRelease() throws CorruptInputException {
        return require("OSRELEASE");
    }

    public Optional<String> buildId() {
        return get("BUILD-ID");
    }

    public long pageSize() throws CorruptInputException {
        long v = decimal("PAGESIZE", require("PAGESIZE"));
        if (v <= 0 || Long.bitCount(v) != 1) {
            throw new CorruptInputException(source, -1, "VMCOREINFO PAGESIZE=" + v + " is not a power of two");
        }
        return v;
    }

    /** {@code KERNELOFFSET}: the KASLR displacement of the kernel image (hex without 0x). */
    public long kernelOffset() throws CorruptInputException {
        return hex("KERNELOFFSET", require("KERNELOFFSET"));
    }

    public OptionalLong crashTime() throws CorruptInputException {
        return find("CRASHTIME", false);
    }

    /** A copy with {@code inserted} placed before the first line whose key is {@code beforeKey} (or at the end). */
    public VmcoreInfo insertBefore(String beforeKey, List<Entry> inserted) {
        List<Entry> out = new ArrayList<>(entries);
        int at = out.size();
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).key().equals(beforeKey)) {
                at = i;
                break;
            }
        }
        out.addAll(at, inserted);
        return new VmcoreInfo(source, out, true);
    }

    private OptionalLong find(String key, boolean isHex) throws CorruptInputException {
        Optional<String> v = get(key);
        if (v.isEmpty()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(isHex ? hex(key, v.get()) : decimal(key, v.get()));
    }

    private long hex(String key, String value) throws CorruptInputException {
        try {
            return Long.parseUnsignedLong(value, 16);
        } catch (NumberFormatException e) {
            throw malformed(key, value, "hexadecimal");
        }
    }

    private long decimal(String key, String value) throws CorruptInputException {
        try {
            if (value.startsWith("0x")) {
                return Long.parseUnsignedLong(value.substring(2), 16);
            }
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw malformed(key, value, "a decimal number");
        }
    }

    private CorruptInputException malformed(String key, String value, String expected) {
        return new CorruptInputException(source, -1, "VMCOREINFO " + key + "=" + value + ": value is not " + expected);
    }

    private static String symbolKey(String name) {
        return "SYMBOL(" + name + ")";
    }

    private static String numberKey(String name) {
        return "NUMBER(" + name + ")";
    }

    @Override
    public String toString() {
        return "VmcoreInfo(" + source + ", " + entries.size() + " lines)";
    }

    /** Appends lines in the kernel's formats, in the order called (the kernel's order is the caller's job). */
    public static final class Builder {
        private final List<Entry> entries = new ArrayList<>();

        private Builder() {}

        public Builder line(String key, String value) {
            String line = key + "=" + value;
            if (line.length() > MAX_LINE_CHARS || line.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("VMCOREINFO line longer than " + MAX_LINE_CHARS
                        + " characters or with a newline would be garbled by the kernel: " + line);
            }
            entries.add(new Entry(key, value));
            return this;
        }

        /** {@code "OSRELEASE=%s"}. */
        public Builder osRelease(String release) {
            return line("OSRELEASE", release);
        }

        /** {@code "BUILD-ID=%20phN"}: 40 lowercase hex digits. */
        public Builder buildId(String hex) {
            if (!hex.matches("[0-9a-f]{40}")) {
                throw new IllegalArgumentException("BUILD-ID must be 40 lowercase hex digits: " + hex);
            }
            return line("BUILD-ID", hex);
        }

        /** {@code "PAGESIZE=%ld"}. */
        public Builder pageSize(long size) {
            return line("PAGESIZE", Long.toString(size));
        }

        /** {@code "SYMBOL(%s)=%lx"}. */
        public Builder symbol(String name, long address) {
            return line(symbolKey(name), Long.toHexString(address));
        }

        /** {@code "SIZE(%s)=%lu"}. */
        public Builder size(String name, long size) {
            return line("SIZE(" + name + ")", Long.toUnsignedString(size));
        }

        /** {@code "OFFSET(%s.%s)=%lu"}. */
        public Builder offset(String struct, String field, long offset) {
            return line("OFFSET(" + struct + "." + field + ")", Long.toUnsignedString(offset));
        }

        /** {@code "LENGTH(%s)=%lu"}. */
        public Builder length(String name, long length) {
            return line("LENGTH(" + name + ")", Long.toUnsignedString(length));
        }

        /** {@code "NUMBER(%s)=%ld"}. */
        public Builder number(String name, long value) {
            return line(numberKey(name), Long.toString(value));
        }

        /** {@code "KERNELOFFSET=%lx"}. */
        public Builder kernelOffset(long offset) {
            return line("KERNELOFFSET", Long.toHexString(offset));
        }

        /** {@code "CRASHTIME=%lld"}, appended at panic time. */
        public Builder crashTime(long seconds) {
            return line("CRASHTIME", Long.toString(seconds));
        }

        public List<Entry> entries() {
            return List.copyOf(entries);
        }

        public VmcoreInfo build(String source) {
            VmcoreInfo info = new VmcoreInfo(source, entries, true);
            int size = info.bytes().length;
            if (size > MAX_BYTES) {
                throw new IllegalArgumentException("VMCOREINFO of " + size + " bytes exceeds the kernel's "
                        + MAX_BYTES + "-byte buffer");
            }
            return info;
        }
    }
}
