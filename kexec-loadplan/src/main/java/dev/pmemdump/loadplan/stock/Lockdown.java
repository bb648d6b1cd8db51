package dev.pmemdump.loadplan.stock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's lockdown state ({@code /sys/kernel/security/lockdown}: {@code none [integrity]
 * confidentiality}, the selected mode in brackets). Under integrity or confidentiality lockdown
 * (Secure Boot) kexec_load is refused and only kexec_file_load remains, which cannot include pmem on
 * a stock kernel.
 */
public record Lockdown(String mode) {
    public static final Path SYSFS = Path.of("/sys/kernel/security/lockdown");

    /** The selected mode, or "none" where the file is absent (no lockdown LSM). */
    public static Lockdown read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new Lockdown("none");
        }
        String text = Files.readString(file).trim();
        int open = text.indexOf('[');
        int close = text.indexOf(']', open + 1);
        return new Lockdown(open >= 0 && close > open ? text.substring(open + 1, close) : "none");
    }

    public boolean forbidsKexecLoad() {
        return !mode.equals("none");
    }
}
