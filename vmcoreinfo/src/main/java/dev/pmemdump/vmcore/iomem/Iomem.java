package dev.pmemdump.vmcore.iomem;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.Range;
import dev.pmemdump.io.TextInput;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /proc/iomem} as the kernel prints it: one resource per line,
 * {@code <indent>start-end : name}, with two spaces of indentation per nesting level and at least
 * eight hex digits per address. The tree is checked the way the kernel builds it: children lie
 * inside their parent, siblings are sorted and never overlap. Read without root the kernel prints
 * every address as zero; that is reported instead of planning nonsense.
 *
 * <p>It lives beside VMCOREINFO because it is the same kind of input: the first kernel's physical
 * memory map, read at crash time by the load planner and by the filter alike.
 */
public final class Iomem {
    private static final Pattern LINE = Pattern.compile("( *)(\\S+)-(\\S+) : (.*)");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{8,16}");
    private static final int INDENT = 2;
    /** Far above any real listing (a few hundred lines of at most ~80 bytes), far below harm. */
    public static final int MAX_BYTES = 4 << 20;

    private final String source;
    private final List<Resource> roots;
    private final List<Resource> all;

    private Iomem(String source, List<Resource> roots, List<Resource> all) {
        this.source = source;
        this.roots = roots;
        this.all = all;
    }

    public static Iomem read(Path file) throws IOException {
        return parse(file.toString(), TextInput.read(file, MAX_BYTES, "a /proc/iomem listing"));
    }

    /** Parses the text of {@code /proc/iomem}; {@code source} names it in error messages. */
    public static Iomem parse(String source, String text) throws CorruptInputException {
        List<String> lines = text.lines().toList();
        int count = lines.size();
        while (count > 0 && lines.get(count - 1).isBlank()) {
            count--;
        }
        if (count == 0) {
            throw new CorruptInputException(source, -1, "no resources (empty file)");
        }
        List<Line> parsed = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            parsed.add(Line.parse(source, i + 1, lines.get(i)));
        }
        if (parsed.size() > 1 && parsed.stream().allMatch(l -> l.start == 0 && l.end == 0)) {
            throw new CorruptInputException(source, -1, "every address is zero: the kernel hides /proc/iomem "
                    + "addresses from readers without CAP_SYS_ADMIN; read it as root");
        }
        return build(source, parsed);
    }

    private static Iomem build(String source, List<Line> lines) throws CorruptInputException {
        List<Line> roots = new ArrayList<>();
        // path.get(d) is the most recent resource at depth d: the possible parent of depth d + 1.
        List<Line> path = new ArrayList<>();
        for (Line l : lines) {
            if (l.depth > path.size()) {
                throw new CorruptInputException(source, -1, "line " + l.number + ": indented "
                        + l.depth * INDENT + " spaces with no parent resource above it");
            }
            while (path.size() > l.depth) {
                path.remove(path.size() - 1);
            }
            Line parent = path.isEmpty() ? null : path.get(path.size() - 1);
            List<Line> siblings = parent == null ? roots : parent.children;
            if (parent != null && (l.start < parent.start || l.end > parent.end)) {
                throw new CorruptInputException(source, -1, "line " + l.number + ": " + l.describe()
                        + " is not inside its parent " + parent.describe() + " (line " + parent.number + ")");
            }
            Line prev = siblings.isEmpty() ? null : siblings.get(siblings.size() - 1);
            if (prev != null && l.end < prev.start) {
                throw new CorruptInputException(source, -1, "line " + l.number + ": " + l.describe()
                        + " comes after " + prev.describe() + " (line " + prev.number
                        + ") but lies below it (the kernel lists resources in address order)");
            }
            if (prev != null && l.start <= prev.end) {
                throw new CorruptInputException(source, -1, "line " + l.number + ": " + l.describe()
                        + " overlaps " + prev.describe() + " (line " + prev.number + ")");
            }
            siblings.add(l);
            path.add(l);
        }
        List<Resource> flat = new ArrayList<>();
        List<Resource> rootResources = new ArrayList<>();
        for (Line root : roots) {
            rootResources.add(root.freeze(flat));
        }
        flat.sort(Comparator.comparingInt(Resource::line));
        return new Iomem(source, List.copyOf(rootResources), List.copyOf(flat));
    }

    /** Where the resources came from (a file name), for messages. */
    public String source() {
        return source;
    }

    /** Top-level resources in address order. */
    public List<Resource> roots() {
        return roots;
    }

    /** Every resource, in file order (parents before their children). */
    public List<Resource> all() {
        return all;
    }

    /** Every resource, at any depth, whose name is exactly {@code name}. */
    public List<Resource> named(String name) {
        return matching(r -> r.name().equals(name));
    }

    public List<Resource> matching(Predicate<Resource> p) {
        return all.stream().filter(p).toList();
    }

    /** Total of the top-level "System RAM" resources: what memblock counts as memory at boot. */
    public long bootRamSize() {
        long sum = 0;
        for (Range r : Range.normalize(roots.stream().filter(r -> r.name().equals(Resource.SYSTEM_RAM))
                .map(Resource::range).toList())) {
            sum = Math.addExact(sum, r.length());
        }
        return sum;
    }

    /** One parsed line, before the tree is frozen into {@link Resource}s. */
    private static final class Line {
        final int number;
        final int depth;
        final long start;
        final long end;
        final String name;
        final List<Line> children = new ArrayList<>();

        Line(int number, int depth, long start, long end, String name) {
            this.number = number;
            this.depth = depth;
            this.start = start;
            this.end = end;
            this.name = name;
        }

        static Line parse(String source, int number, String text) throws CorruptInputException {
            Matcher m = LINE.matcher(text);
            if (!m.matches()) {
                throw new CorruptInputException(source, -1, "line " + number
                        + ": not a resource line 'start-end : name': '" + text + "'");
            }
            int indent = m.group(1).length();
            if (indent % INDENT != 0) {
                throw new CorruptInputException(source, -1, "line " + number + ": odd indentation of "
                        + indent + " spaces (the kernel indents 2 per level)");
            }
            long start = hex(source, number, m.group(2));
            long end = hex(source, number, m.group(3));
            if (end == Long.MAX_VALUE) {
                throw new CorruptInputException(source, -1, "line " + number + ": range ends at the top of the "
                        + "64-bit space, beyond any physical address");
            }
            if (end < start) {
                throw new CorruptInputException(source, -1, "line " + number + ": reversed range "
                        + m.group(2) + "-" + m.group(3) + " (end before start)");
            }
            return new Line(number, indent / INDENT, start, end, m.group(4));
        }

        private static long hex(String source, int number, String digits) throws CorruptInputException {
            if (!HEX.matcher(digits).matches()) {
                throw new CorruptInputException(source, -1, "line " + number + ": bad hex address '" + digits
                        + "' (expected 8 to 16 hex digits)");
            }
            long v = Long.parseUnsignedLong(digits, 16);
            if (v < 0) {
                throw new CorruptInputException(source, -1, "line " + number + ": address " + digits
                        + " is beyond any physical address (above 2^63)");
            }
            return v;
        }

        String describe() {
            return "'" + name + "' " + Resource.notation(Range.ofInclusive(start, end));
        }

        /** The immutable resource of this line and its subtree; each one is also added to {@code flat}. */
        Resource freeze(List<Resource> flat) {
            List<Resource> kids = new ArrayList<>(children.size());
            for (Line c : children) {
                kids.add(c.freeze(flat));
            }
            Resource r = new Resource(Range.ofInclusive(start, end), name, depth, number, kids);
            flat.add(r);
            return r;
        }
    }
}
