package dev.pmemdump.images.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A kernel's module dependencies as depmod wrote them: {@code modules.dep} (one line per module,
 * "path: dependency paths...", paths relative to /lib/modules/RELEASE) and {@code modules.builtin}
 * (modules compiled into the kernel, which need no loading).
 */
final class ModuleDeps {
    private final Map<String, String> pathByName = new HashMap<>();
    private final Map<String, List<String>> depsByPath = new HashMap<>();
    private final Set<String> builtin = new HashSet<>();

    private ModuleDeps() {}

    static ModuleDeps read(Path modulesDir) throws IOException {
        ModuleDeps deps = new ModuleDeps();
        for (String line : Files.readAllLines(modulesDir.resolve("modules.dep"))) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String path = line.substring(0, colon);
            String rest = line.substring(colon + 1).trim();
            deps.pathByName.put(name(path), path);
            deps.depsByPath.put(path, rest.isEmpty() ? List.of() : List.of(rest.split("\\s+")));
        }
        Path builtinList = modulesDir.resolve("modules.builtin");
        if (Files.exists(builtinList)) {
            for (String line : Files.readAllLines(builtinList)) {
                deps.builtin.add(name(line.trim()));
            }
        }
        return deps;
    }

    /**
     * The module files to load for {@code names}, each after the modules it needs, in the order
     * asked otherwise. Built-in modules are left out.
     *
     * @throws IllegalStateException for a module that is neither a file nor built in
     */
    List<String> loadOrder(List<String> names) {
        LinkedHashSet<String> order = new LinkedHashSet<>();
        for (String n : names) {
            String key = canonical(n);
            String path = pathByName.get(key);
            if (path == null) {
                if (!builtin.contains(key)) {
                    throw new IllegalStateException("kernel module " + n + " is neither in modules.dep nor in modules.builtin");
                }
                continue;
            }
            visit(path, order, new HashSet<>());
        }
        return new ArrayList<>(order);
    }

    private void visit(String path, LinkedHashSet<String> order, Set<String> onStack) {
        if (order.contains(path)) {
            return;
        }
        if (!onStack.add(path)) {
            throw new IllegalStateException("modules.dep has a dependency cycle through " + path);
        }
        for (String dep : depsByPath.getOrDefault(path, List.of())) {
            visit(dep, order, onStack);
        }
        order.add(path);
    }

    /** "kernel/drivers/nvdimm/nd_pmem.ko" to "nd_pmem"; the kernel treats '-' and '_' alike. */
    private static String name(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        int ko = file.indexOf(".ko");
        return canonical(ko < 0 ? file : file.substring(0, ko));
    }

    private static String canonical(String name) {
        return name.replace('-', '_');
    }
}
