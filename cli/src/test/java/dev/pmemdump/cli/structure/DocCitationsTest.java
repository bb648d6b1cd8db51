package dev.pmemdump.cli.structure;

import dev.pmemdump.testing.UnitTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every format reference the sources and module notes cite ({@code docs/<file>.md §N}, possibly a
 * list {@code §1.2, §1.4}) names a file in docs/ and a numbered heading in it, and no citation of a
 * reference document bypasses docs/. This keeps "every document the sources cite is in the
 * repository" true as code and docs change.
 */
@UnitTest
class DocCitationsTest {
    private static final Pattern CITATION = Pattern.compile(
            "docs/([\\w-]+\\.md)((?:[ ,]+(?:and )?§[0-9]+[a-z]?(?:\\.[0-9]+)?)*)");
    private static final Pattern SECTION = Pattern.compile("§([0-9]+[a-z]?(?:\\.[0-9]+)?)");
    /** A reference document named without docs/ in front: a citation the check could not follow. */
    private static final Pattern BARE = Pattern.compile("(?<![\\w-])(dump-formats|pmem-formats|rfc|style-anchors)\\.md");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{2,4} ([0-9]+[a-z]?(?:\\.[0-9]+)?)\\.? ");

    @Test
    void everyCitationNamesAnExistingFileAndSection() {
        List<String> broken = new ArrayList<>();
        int citations = 0;
        for (Path file : sources()) {
            String text = ProjectTree.read(file);
            String where = ProjectTree.root().relativize(file).toString();
            Matcher m = CITATION.matcher(text);
            while (m.find()) {
                citations++;
                Path doc = ProjectTree.root().resolve("docs").resolve(m.group(1));
                if (!Files.isRegularFile(doc)) {
                    broken.add(where + ":" + ProjectTree.lineOf(text, m) + ": no docs/" + m.group(1));
                    continue;
                }
                Set<String> sections = headings(doc);
                Matcher s = SECTION.matcher(m.group(2));
                while (s.find()) {
                    if (!sections.contains(s.group(1))) {
                        broken.add(where + ":" + ProjectTree.lineOf(text, m) + ": docs/" + m.group(1) + " has no §" + s.group(1));
                    }
                }
            }
            Matcher bare = BARE.matcher(text);
            while (bare.find()) {
                int start = bare.start();
                if (start < 5 || !text.startsWith("docs/", start - 5)) {
                    broken.add(where + ":" + ProjectTree.lineOf(text, bare) + ": " + bare.group() + " cited without docs/");
                }
            }
        }
        assertTrue(citations > 30, "found only " + citations + " citations");
        assertEquals(List.of(), broken);
    }

    /** Java sources and Markdown notes (USAGE.md, API-NOTES.md) of every module, and the README. */
    private static List<Path> sources() {
        List<Path> files = new ArrayList<>();
        Path root = ProjectTree.root();
        files.add(root.resolve("README.md"));
        for (String module : ProjectTree.modules()) {
            files.addAll(ProjectTree.files(root.resolve(module).resolve("src"), ".java"));
            for (Path md : ProjectTree.files(root.resolve(module), ".md")) {
                if (!md.startsWith(root.resolve(module).resolve("target"))) {
                    files.add(md);
                }
            }
        }
        return files;
    }

    private static Set<String> headings(Path doc) {
        Set<String> out = new HashSet<>();
        HEADING.matcher(ProjectTree.read(doc)).results().forEach(h -> out.add(h.group(1)));
        return out;
    }
}
