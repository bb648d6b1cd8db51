package dev.pmemdump.cli;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.InputRefusedException;
import dev.pmemdump.io.OutputRefusedException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * Turns any failure of a command into one line on stderr and an exit status: no stack trace
 * unless {@code PMEMDUMP_DEBUG} is set in the environment.
 */
final class ErrorHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
        Throwable t = ex instanceof UncheckedIOException u ? u.getCause() : ex;
        cl.getErr().println(cl.getCommandName() + ": " + describe(t));
        if (System.getenv("PMEMDUMP_DEBUG") != null) {
            t.printStackTrace(cl.getErr());
        }
        cl.getErr().flush();
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
        if (t instanceof CommandLine.ParameterException) {
            return 2;
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
