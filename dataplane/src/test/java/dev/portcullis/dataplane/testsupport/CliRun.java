package dev.portcullis.dataplane.testsupport;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/** One in-process run of a picocli command line, with what it printed (help, version, usage errors). */
public record CliRun(int exitCode, String out, String err) {

    public static CliRun of(CommandLine commandLine, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new CliRun(exitCode, out.toString(), err.toString());
    }

    public List<String> errLines() {
        return err.lines().toList();
    }

    /** The output with every run of whitespace made one space, so wrapped help text reads as one line. */
    public String outFlat() {
        return out.replaceAll("\\s+", " ");
    }
}
