package dev.portcullis.dataplane.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.util.List;

/**
 * What both jars' command lines share: a usage error is one line and a hint (exit 2), a
 * {@link Failure} is one line (exit 1), anything else keeps picocli's stack trace (exit 1).
 */
public final class Cli {

    private Cli() {
    }

    /** A problem the user can fix, said in one line. */
    public static final class Failure extends RuntimeException {
        public Failure(String message) {
            super(message);
        }
    }

    /** Call after every subcommand is added: picocli hands these settings down to the subcommands present. */
    public static CommandLine configure(CommandLine commandLine) {
        commandLine.setParameterExceptionHandler(Cli::usageError);
        commandLine.setExecutionExceptionHandler((exception, failed, parseResult) -> {
            if (exception instanceof Failure) {
                failed.getErr().println(prefix(failed) + exception.getMessage());
                return failed.getCommandSpec().exitCodeOnExecutionException();
            }
            throw exception;
        });
        return commandLine;
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine failed = e.getCommandLine();
        failed.getErr().println(prefix(failed) + oneLine(e));
        failed.getErr().println("Try 'java -jar " + failed.getCommandSpec().qualifiedName() + " --help'.");
        return failed.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static String oneLine(ParameterException e) {
        String message = e.getMessage().strip().replaceAll("\\s*\\R\\s*", " ");
        if (e instanceof UnmatchedArgumentException unmatched) {
            List<String> suggestions = unmatched.getSuggestions();
            if (!suggestions.isEmpty()) {
                message += "; did you mean " + String.join(" or ", suggestions) + "?";
            }
        }
        return message;
    }

    private static String prefix(CommandLine failed) {
        return failed.getCommandSpec().qualifiedName() + ": ";
    }
}
