package dev.portcullis.operator;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {

    @Test
    void unknownCommandsAndOptionsAreUsageErrors() throws Exception {
        assertThat(runCapturingErr("frobnicate")).startsWith("2|").contains("unknown command frobnicate");
        assertThat(runCapturingErr("demo", "--colour", "blue")).startsWith("2|").contains("unknown option --colour");
        assertThat(runCapturingErr("dataplane")).startsWith("2|").contains("--snapshot FILE (or --control-plane URL) is required");
        assertThat(runCapturingErr("run", "--leader-election", "maybe")).startsWith("2|").contains("--leader-election takes true or false");
        assertThat(runCapturingErr("demo", "--https-port", "99999")).startsWith("2|")
                .contains("--https-port must be a port number from 0 to 65535");
    }

    @Test
    void helpSucceeds() throws Exception {
        assertThat(Main.run(new String[]{"--help"})).isZero();
    }

    private static String runCapturingErr(String... args) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return code + "|" + captured.toString(StandardCharsets.UTF_8);
        } finally {
            System.setErr(original);
        }
    }
}
