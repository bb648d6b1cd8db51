package dev.pmemdump.cli.vmcore;

import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.devm.DevmMemmapList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code pmemdump vmcoreinfo show|devm-list VMCORE}. */
@Command(name = "vmcoreinfo", mixinStandardHelpOptions = true,
        description = "Read VMCOREINFO and the pmem devm_memmap_vmcore list from a vmcore.",
        subcommands = {VmcoreinfoCommand.Show.class, VmcoreinfoCommand.DevmList.class})
public final class VmcoreinfoCommand {

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print the VMCOREINFO note exactly as the kernel wrote it, or as JSON.")
    static final class Show extends VmcoreSubcommand {
        @Mixin VmcoreArgs.Json json;

        @Override
        int run(VmcoreFile f, PrintWriter out) throws Exception {
            VmcoreInfo info = f.vmcoreInfo();
            if (!json.enabled) {
                out.print(info.text());
                return 0;
            }
            List<Map<String, String>> lines = new ArrayList<>();
            for (VmcoreInfo.Entry e : info.entries()) {
                Map<String, String> m = new LinkedHashMap<>();
                m.put("key", e.key());
                m.put("value", e.value());
                lines.add(m);
            }
            args.printJson(out, Map.of("lines", lines));
            return 0;
        }
    }

    @Command(name = "devm-list", mixinStandardHelpOptions = true,
            description = "Restore the pmem RFC devm_memmap_vmcore list: the on-device memmap ranges (pfns) of "
                    + "namespaces created with --map=dev, newest first.")
    static final class DevmList extends VmcoreSubcommand {
        @Mixin VmcoreArgs.Json json;

        @Override
        int run(VmcoreFile f, PrintWriter out) throws Exception {
            VmcoreInfo info = f.vmcoreInfo();
            Optional<List<DevmMemmapList.Entry>> list = info.findSymbol(DevmMemmapList.HEAD_SYMBOL).isPresent()
                    ? DevmMemmapList.restore(info, f.kernelMemory(info)) : Optional.empty();
            if (json.enabled) {
                List<Map<String, Object>> entries = new ArrayList<>();
                for (DevmMemmapList.Entry e : list.orElse(List.of())) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("address", "0x" + Long.toHexString(e.address()));
                    m.put("startPfn", e.startPfn());
                    m.put("endPfn", e.endPfn());
                    m.put("pages", e.pages());
                    entries.add(m);
                }
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("exported", list.isPresent());
                doc.put("entries", entries);
                args.printJson(out, doc);
            } else if (list.isEmpty()) {
                out.println("no devm_memmap_vmcore list: VMCOREINFO has no SYMBOL(" + DevmMemmapList.HEAD_SYMBOL
                        + ") (kernel without the pmem RFC v2 patch)");
            } else {
                out.printf("%-18s  %-12s  %-12s  %s%n", "ADDRESS", "START_PFN", "END_PFN", "PAGES");
                for (DevmMemmapList.Entry e : list.get()) {
                    out.printf("0x%016x  0x%-10x  0x%-10x  %d%n", e.address(), e.startPfn(), e.endPfn(), e.pages());
                }
                out.printf("%d range(s)%n", list.get().size());
            }
            return 0;
        }
    }
}
