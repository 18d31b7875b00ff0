package dev.portcullis.dataplane.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * TLS session resumption as a real client does it: {@code openssl s_client} saves the session
 * (with its ticket) in a file and offers it again on the next connection, maybe to another server.
 * Each connection sends a request and reads to the end, so the TLS 1.3 ticket (sent after the
 * handshake) has arrived before the session is written.
 */
public final class OpensslSessions {

    private OpensslSessions() {
    }

    /** A full handshake; the session goes to {@code sessionFile}. Returns what s_client printed. */
    public static String connectSaving(int port, String serverName, String tlsVersion, Path sessionFile) {
        return connect(port, serverName, tlsVersion, List.of("-sess_out", sessionFile.toString()));
    }

    /** Offers the session in {@code sessionFile}; what s_client printed says "Reused, TLSv1.x" when it resumed. */
    public static String connectResuming(int port, String serverName, String tlsVersion, Path sessionFile) {
        return connect(port, serverName, tlsVersion, List.of("-sess_in", sessionFile.toString()));
    }

    /** "-tls1_2" or "-tls1_3". */
    public static String reusedLine(String tlsVersion) {
        return "Reused, " + protocol(tlsVersion);
    }

    public static String newLine(String tlsVersion) {
        return "New, " + protocol(tlsVersion);
    }

    private static String protocol(String tlsVersion) {
        return tlsVersion.equals("-tls1_3") ? "TLSv1.3" : "TLSv1.2";
    }

    private static String connect(int port, String serverName, String tlsVersion, List<String> session) {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", serverName, tlsVersion, "-ign_eof"));
        command.addAll(session);
        Processes.Result result = Processes.run(command,
                "GET / HTTP/1.1\r\nHost: " + serverName + "\r\nConnection: close\r\n\r\n");
        return result.stdout() + result.stderr();
    }
}
