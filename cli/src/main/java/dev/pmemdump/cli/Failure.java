package dev.pmemdump.cli;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.InputRefusedException;
import dev.pmemdump.io.OutputRefusedException;

import java.io.EOFException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * Any failure of a command as one line on stderr and an exit status: no stack trace unless
 * {@code PMEMDUMP_DEBUG} is set in the environment. Free of picocli, for the entries that run
 * without it; {@link ErrorHandler} adds picocli's own exceptions.
 */
final class Failure {
    private Failure() {}

    /** Reports t as "COMMAND: message" on err; returns its exit status. */
    static int report(String command, Throwable failure, PrintWriter err) {
        Throwable t = failure instanceof UncheckedIOException u ? u.getCause() : failure;
        err.println(command + ": " + describe(t));
        if (System.getenv("PMEMDUMP_DEBUG") != null) {
            t.printStackTrace(err);
        }
        err.flush();
        return exitCode(t);
    }

    static String describe(Throwable t) {
        if (t instanceof NoSuchFileException e) {
            return e.getFile() + ": no such file";
        }
        if (t instanceof AccessDeniedException e) {
            return e.getFile() + ": permission denied";
        }
        String msg = t.getMessage();
        return msg == null || msg.isBlank() ? t.getClass().getSimpleName() : msg.lines().findFirst().orElse(msg);
    }

    static int exitCode(Throwable t) {
        if (t instanceof UncheckedIOException u) {
            return exitCode(u.getCause());
        }
        if (t instanceof CorruptInputException || t instanceof EOFException) {
            return 65;
        }
        if (t instanceof NoSuchFileException || t instanceof InputRefusedException) {
            return 66;
        }
        if (t instanceof OutputRefusedException) {
            return 73;
        }
        if (t instanceof IOException) {
            return 74;
        }
        if (t instanceof IllegalArgumentException) {
            return 2;
        }
        return 70;
    }
}
