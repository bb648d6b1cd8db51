package dev.pmemdump.pmem.cli;

import dev.pmemdump.io.MappedImage;
import dev.pmemdump.pmem.Mode;
import dev.pmemdump.pmem.Namespace;
import dev.pmemdump.pmem.Region;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ndctl check-namespace <namespace|all>}: BTT metadata consistency (read-only). */
@Command(name = "check-namespace", mixinStandardHelpOptions = true,
        description = "Check the BTT metadata of sector-mode namespaces; exit 1 when a problem is found.")
final class CheckNamespaceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ImageOptions img;
    @Option(names = {"-v", "--verbose"}, description = "Say which mapping the image got (DAX, device-dax or page cache).")
    boolean verbose;

    @Parameters(paramLabel = "<namespace>|all")
    String target;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        int checked = 0;
        boolean bad = false;
        try (MappedImage m = img.map(false, verbose, spec.commandLine().getErr())) {
            Region r = img.open(m);
            List<Namespace> list = target.equals("all")
                    ? r.namespaces().stream().filter(n -> n.mode() == Mode.SECTOR).toList()
                    : List.of(r.namespace(target));
            for (Namespace n : list) {
                if (n.btt() == null) {
                    err.println(n.dev() + ": check-namespace needs a sector (btt) namespace, found " + n.mode().ndctlName());
                    bad = true;
                    continue;
                }
                for (String p : n.btt().check()) {
                    err.println(n.dev() + ": " + p);
                    bad = true;
                }
                checked++;
            }
        }
        err.println("checked " + checked + " namespace" + (checked == 1 ? "" : "s"));
        return bad ? 1 : 0;
    }
}
