package dev.pmemdump.io;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Temporary files beside their targets, named {@code .TARGET.pmemdump-PID-N.partial} so that a user
 * (and the next run) can tell what they are and whose. Live ones are deleted by a shutdown hook,
 * which the JVM runs on SIGTERM, SIGINT and SIGHUP; only SIGKILL can leave one behind, and the next
 * output to the same target deletes those whose process is gone.
 */
final class TempFiles {
    private static final String MARK = ".pmemdump-";
    private static final String SUFFIX = ".partial";
    private static final Pattern OWNER = Pattern.compile(Pattern.quote(MARK) + "(\\d+)-\\d+" + Pattern.quote(SUFFIX));
    /** Keeps temp names within NAME_MAX (255) whatever the target's name. */
    private static final int MAX_NAME_PART = 200;
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final Thread HOOK = new Thread(TempFiles::deleteLive, "pmemdump-temp-cleanup");

    static {
        Runtime.getRuntime().addShutdownHook(HOOK);
    }

    private TempFiles() {}

    /** Creates this process's next temp file for {@code target} (absolute) and registers it for cleanup. */
    static Path create(Path target) throws IOException {
        Path dir = target.getParent();
        Path temp = dir.resolve(prefix(target) + PID + "-" + SEQUENCE.incrementAndGet() + SUFFIX);
        LIVE.add(temp);
        try {
            // 0600 like makedumpfile's dumpfiles: a dump holds the crashed system's memory
            return Files.createFile(temp, OWNER_ONLY);
        } catch (IOException e) {
            LIVE.remove(temp);
            throw e;
        }
    }

    /** Deletes {@code temp} (if still there) and forgets it. */
    static void delete(Path temp) throws IOException {
        try {
            Files.deleteIfExists(temp);
        } finally {
            LIVE.remove(temp);
        }
    }

    /** Forgets {@code temp}: it was renamed to its target. */
    static void published(Path temp) {
        LIVE.remove(temp);
    }

    /** Deletes temp files of {@code target} left by processes that no longer run (killed with SIGKILL). */
    static void removeStale(Path target) throws IOException {
        String prefix = prefix(target);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(target.getParent(), glob(prefix) + "*" + SUFFIX)) {
            for (Path p : ds) {
                Matcher m = OWNER.matcher(p.getFileName().toString().substring(prefix.length() - MARK.length()));
                if (!m.matches() || LIVE.contains(p)) {
                    continue;
                }
                long pid = Long.parseLong(m.group(1));
                if (pid != PID && ProcessHandle.of(pid).isEmpty()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static String prefix(Path target) {
        String name = target.getFileName().toString();
        return "." + (name.length() > MAX_NAME_PART ? name.substring(0, MAX_NAME_PART) : name) + MARK;
    }

    private static String glob(String literal) {
        return literal.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
    }

    private static void deleteLive() {
        for (Path p : LIVE) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // best effort while the JVM goes down; the next run removes what is left
            }
        }
    }
}
