package dev.pmemdump.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** {@link Failure} for the picocli verbs: a bad command line is exit status 2. */
final class ErrorHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
        return Failure.report(cl.getCommandName(), ex, cl.getErr());
    }

    static int exitCode(Throwable t) {
        return t instanceof CommandLine.ParameterException ? 2 : Failure.exitCode(t);
    }
}
