package dev.pmemdump.images.kernel;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One line of the guest's {@code record_namespaces} (kernel/guest-lib.sh): a namespace as the
 * running kernel shows it, with the sha256 of the first bytes read through its device.
 *
 * @param dataStart guest physical address of the data area; empty behind a BTT
 */
record GuestNamespace(String name, String mode, String device, long start, OptionalLong dataStart, String sha256) {

    static GuestNamespace parse(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length != 6) {
            throw new IllegalArgumentException("not a namespace record: " + line);
        }
        return new GuestNamespace(f[0], f[1], f[2], Long.decode(f[3]),
                f[4].equals("-") ? OptionalLong.empty() : OptionalLong.of(Long.decode(f[4])), f[5]);
    }

    static Map<String, GuestNamespace> byName(String records) {
        Map<String, GuestNamespace> m = new HashMap<>();
        for (String line : records.split("\n")) {
            if (!line.isBlank()) {
                GuestNamespace ns = parse(line);
                m.put(ns.name(), ns);
            }
        }
        return m;
    }
}
