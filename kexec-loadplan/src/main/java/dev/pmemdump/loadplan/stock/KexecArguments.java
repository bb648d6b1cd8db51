package dev.pmemdump.loadplan.stock;

import dev.pmemdump.vmcore.iomem.PmemParameter;
import java.util.ArrayList;
import java.util.List;

/**
 * The administrator's {@code kexec} arguments for a crash load, checked and completed for the
 * stock-kernel path: it must be a panic load ({@code -p}); kexec_file_load ({@code -s}) cannot
 * include pmem without the RFC's kernel patch, so it is refused and {@code -c} (kexec_load) is
 * added unless given; {@code pmemdump.pmem=} is appended to the capture kernel's command line.
 */
public final class KexecArguments {
    private KexecArguments() {}

    /** The arguments to run kexec with, or an {@link IllegalArgumentException} saying why not. */
    public static List<String> complete(List<String> args, PmemParameter pmem) {
        boolean panic = false;
        boolean loadSyscall = false;
        boolean commandLine = false;
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-s") || a.equals("--kexec-file-syscall")) {
                throw new IllegalArgumentException(a + ": kexec_file_load builds the elfcorehdr in the kernel from "
                        + "its own memory map, which never includes pmem without the RFC kernel patch; "
                        + "the stock-kernel path needs kexec_load");
            }
            if (a.equals("-u") || a.equals("--unload") || a.equals("-e") || a.equals("--exec")) {
                throw new IllegalArgumentException(a + ": only a crash load (-p) can be relabelled");
            }
            panic |= a.equals("-p") || a.equals("--load-panic") || isShortCluster(a, 'p');
            loadSyscall |= a.equals("-c") || a.equals("--kexec-syscall");
            if (a.startsWith("--append=") || a.startsWith("--command-line=")) {
                a = a + " " + pmem.format();
                commandLine = true;
            } else if ((a.equals("--append") || a.equals("--command-line")) && i + 1 < args.size()) {
                out.add(a);
                a = args.get(++i) + " " + pmem.format();
                commandLine = true;
            }
            out.add(a);
        }
        if (!panic) {
            throw new IllegalArgumentException("the kexec arguments load no crash kernel (-p); "
                    + "the stock-kernel path is for kdump loads");
        }
        if (!loadSyscall) {
            out.add(0, "-c");
        }
        if (!commandLine) {
            out.add("--append=" + pmem.format());
        }
        return out;
    }

    /** {@code -dp}, {@code -pd}: getopt's clustered short options (no option of kexec's takes -p's letter as a value). */
    private static boolean isShortCluster(String a, char letter) {
        return a.length() > 2 && a.charAt(0) == '-' && a.charAt(1) != '-' && a.indexOf(letter) > 0
                && a.chars().skip(1).allMatch(Character::isLetter);
    }
}
