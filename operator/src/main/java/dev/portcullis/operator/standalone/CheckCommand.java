package dev.portcullis.operator.standalone;

import dev.portcullis.operator.translate.Problem;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** {@code check -f DIR}: one line per problem, compiler style; exit 1 if any is an error. */
public final class CheckCommand {
    private CheckCommand() {
    }

    public static int run(Path directory, PrintStream out, PrintStream err) {
        if (!Files.isDirectory(directory)) {
            err.println("portcullis: " + directory + " is not a folder");
            return 2;
        }
        ManifestTranslation result;
        try {
            result = ManifestTranslation.of(directory, 1, Instant.now());
        } catch (IOException e) {
            // The folder itself (a file's problems are lines of their own): vanished, or a sub-folder not listable.
            err.println("portcullis: " + directory + " cannot be read: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
            return 1;
        }
        result.problems().forEach(out::println);
        long errors = result.problems().stream().filter(Problem::isError).count();
        long warnings = result.problems().size() - errors;
        err.println(directory + ": " + errors + " error" + (errors == 1 ? "" : "s") + ", " + warnings + " warning"
                + (warnings == 1 ? "" : "s") + "; " + result.translation().snapshot().virtualHosts().size()
                + " hosts would be served");
        return errors > 0 ? 1 : 0;
    }
}
