package dev.pmemdump.cli.structure;

import dev.pmemdump.testing.UnitTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every module has a module-info.java, and every package of its main sources is either exported
 * (to all, or to the cli module) or listed below as deliberately internal. A package that is moved
 * or added must be decided on here, so the descriptors never drift from the tree.
 */
@UnitTest
class ModuleExportsTest {
    /** Packages no other module may use: each module's implementation behind its API. */
    static final Map<String, Set<String>> INTERNAL = Map.of(
            "dumpfilter", Set.of("dev.pmemdump.filter.dmesg", "dev.pmemdump.filter.elf", "dev.pmemdump.filter.flat",
                    "dev.pmemdump.filter.ledger", "dev.pmemdump.filter.memusage", "dev.pmemdump.filter.minidump", "dev.pmemdump.filter.mm",
                    "dev.pmemdump.filter.pmem"),
            "kexec-loadplan", Set.of("dev.pmemdump.loadplan.stock"),
            "cli", Set.of("dev.pmemdump.cli", "dev.pmemdump.cli.verify", "dev.pmemdump.cli.vmcore"));

    private static final Pattern EXPORTS = Pattern.compile("(?m)^\\s*exports\\s+([\\w.]+)");

    @Test
    void everyPackageIsExportedOrDeliberatelyInternal() {
        List<String> problems = new ArrayList<>();
        for (String module : ProjectTree.modules()) {
            Path src = ProjectTree.root().resolve(module).resolve("src/main/java");
            Path descriptor = src.resolve("module-info.java");
            if (!Files.isRegularFile(descriptor)) {
                problems.add(module + ": no src/main/java/module-info.java");
                continue;
            }
            Set<String> packages = new TreeSet<>();
            for (Path java : ProjectTree.files(src, ".java")) {
                if (!java.equals(descriptor)) {
                    packages.add(src.relativize(java.getParent()).toString().replace('/', '.'));
                }
            }
            Set<String> exported = new TreeSet<>();
            EXPORTS.matcher(ProjectTree.read(descriptor)).results().forEach(m -> exported.add(m.group(1)));
            Set<String> internal = INTERNAL.getOrDefault(module, Set.of());
            for (String p : packages) {
                if (!exported.contains(p) && !internal.contains(p)) {
                    problems.add(module + ": package " + p + " is neither exported nor listed internal");
                }
                if (exported.contains(p) && internal.contains(p)) {
                    problems.add(module + ": package " + p + " is exported and listed internal");
                }
            }
            for (String p : exported) {
                if (!packages.contains(p)) {
                    problems.add(module + ": module-info exports " + p + ", which has no source");
                }
            }
            for (String p : internal) {
                if (!packages.contains(p)) {
                    problems.add(module + ": internal list names " + p + ", which has no source");
                }
            }
        }
        assertEquals(List.of(), problems);
    }
}
