package dev.pmemdump.loadplan;

import dev.pmemdump.vmcore.iomem.Resource;
import dev.pmemdump.io.Range;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A {@link LoadPlan} for people and for tools. The table is the one the RFC's makedumpfile prints
 * in {@code dump_Elf_load()} debug output ({@code %8s %16s %16s %16s %16s %8s} header, one
 * {@code LOAD[%2d]} row per PT_LOAD, exclusive ends), so a plan can be compared with what
 * makedumpfile later reads from /proc/vmcore. JSON writes addresses as hex strings because
 * kernel virtual addresses do not fit a signed 64-bit JSON number.
 */
public final class PlanReport {
    private PlanReport() {}

    /** The summary lines, then the table. */
    public static String text(LoadPlan plan) {
        StringBuilder sb = new StringBuilder();
        sb.append("mode: ").append(plan.mode() == LoadMode.FILE ? "kexec_file_load" : "kexec_load").append('\n');
        for (Range r : plan.crashKernel()) {
            sb.append("crash kernel: ").append(Resource.notation(r)).append(" (").append(plan.crashKernelOrigin()).append(")\n");
        }
        for (NoteBuffer n : plan.notes()) {
            sb.append(String.format("note: %-10s phys 0x%x size 0x%x%s%n", n.what(), n.phys(), n.size(),
                    n.isPlaceholder() ? " (placeholder)" : ""));
        }
        for (int i = 0; i < plan.loads().size(); i++) {
            Load l = plan.loads().get(i);
            if (l.source() != l.phys()) {
                sb.append(String.format("LOAD[%2d] is read from its copy at 0x%x%n", i, l.source()));
            }
        }
        for (String w : plan.warnings()) {
            sb.append("warning: ").append(w).append('\n');
        }
        sb.append(table(plan.loads()));
        return sb.toString();
    }

    /** makedumpfile's PT_LOAD table with the RFC's {@code is_pmem} column. */
    public static String table(List<Load> loads) {
        StringBuilder sb = new StringBuilder(String.format("%8s %16s %16s %16s %16s %8s%n", "",
                "phys_start", "phys_end", "virt_start", "virt_end", "is_pmem"));
        for (int i = 0; i < loads.size(); i++) {
            Load l = loads.get(i);
            sb.append(String.format("LOAD[%2d] %16x %16x %16x %16x %8s%n", i, l.phys(), l.physEnd(), l.virt(),
                    l.virtEnd(), l.isPmem() ? "true" : "false"));
        }
        return sb.toString();
    }

    public static ObjectNode json(LoadPlan plan, ObjectMapper mapper) {
        ObjectNode root = mapper.createObjectNode();
        root.put("mode", plan.mode() == LoadMode.FILE ? "kexec_file_load" : "kexec_load");
        ArrayNode crash = root.putArray("crash_kernel");
        for (Range r : plan.crashKernel()) {
            crash.addObject().put("start", hex(r.start())).put("end", hex(r.inclusiveEnd())).put("size", r.length());
        }
        root.put("crash_kernel_origin", plan.crashKernelOrigin());
        ArrayNode notes = root.putArray("notes");
        for (NoteBuffer n : plan.notes()) {
            notes.addObject().put("what", n.what()).put("phys", hex(n.phys())).put("size", n.size())
                    .put("placeholder", n.isPlaceholder());
        }
        ArrayNode loads = root.putArray("loads");
        for (Load l : plan.loads()) {
            loads.addObject()
                    .put("kind", l.kind().name().toLowerCase())
                    .put("phys_start", hex(l.phys()))
                    .put("phys_end", hex(l.physEnd()))
                    .put("virt_start", hex(l.virt()))
                    .put("virt_end", hex(l.virtEnd()))
                    .put("size", l.size())
                    .put("source", hex(l.source()))
                    .put("p_flags", hex(l.flags()))
                    .put("is_pmem", l.isPmem());
        }
        ArrayNode warnings = root.putArray("warnings");
        plan.warnings().forEach(warnings::add);
        return root;
    }

    /** {@code 0x}-prefixed unsigned hex, the form JSON output uses for addresses. */
    public static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
