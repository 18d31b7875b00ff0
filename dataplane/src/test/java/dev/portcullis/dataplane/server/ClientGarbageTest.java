package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.endpoints;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An attacker sends garbage, connection after connection: each is one DEBUG line and a counter,
 * so the log (at the shipped INFO level) stays quiet and the disk does not fill. A refused endpoint
 * is a WARN, but one per cluster per interval, not one per request.
 */
class ClientGarbageTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("garbage CA", KeyType.EC_P256);
    private static final IssuedCertificate APP = CA.issueServer(List.of("app.example.test"), KeyType.EC_P256);
    private static final int CONNECTIONS = Integer.getInteger("garbage.connections", 1_000);
    /** A few lines are fine (a snapshot applied, say); one per connection is what must not happen. */
    private static final int LOG_LINE_BOUND = 5;

    private static EchoBackend backend;
    private static TestDataPlane dataPlane;

    @BeforeAll
    static void start() throws Exception {
        backend = EchoBackend.start("echo", "127.0.0.1", 0);
        int refused;
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            refused = closed.getLocalPort(); // nothing listens here once closed: connections are refused
        }
        dataPlane = TestDataPlane.serving(new Snapshot(1,
                List.of(host("app.example.test", "app", prefix("/", "echo")),
                        host("other.example.test", null, prefix("/", "refusing-garbage-test"))),
                List.of(new Cluster("echo", endpoints(List.of(backend))),
                        new Cluster("refusing-garbage-test", List.of(Endpoint.ready("127.0.0.1", refused)))),
                List.of(certificate("app", APP)),
                null));
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
        backend.close();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // 2,000 connections, a third of them TLS handshakes, on a shared machine
    void garbageOnBothListenersIsCountedNotLogged() throws Exception {
        SSLContext tls = TestClients.sslContextTrusting(CA);
        Random random = new Random(16);
        double before = clientErrors();
        String log = capturingLog(() -> {
            for (int i = 0; i < CONNECTIONS; i++) {
                https(i, random, tls);
                http(i, random);
            }
        });
        assertThat(log.lines().toList()).as("log lines from %s garbage connections", 2 * CONNECTIONS)
                .hasSizeLessThanOrEqualTo(LOG_LINE_BOUND)
                .noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception"));
        String metrics = dataPlane.server().metrics().scrape();
        assertThat(clientErrors() - before).as(metrics).isGreaterThanOrEqualTo(CONNECTIONS);
        System.out.printf("%d garbage connections: %d log lines; client errors %s%n", 2 * CONNECTIONS, log.lines().count(),
                metrics.lines().filter(line -> line.startsWith("portcullis_client_errors_total")).toList());
        for (String kind : List.of("tls", "http", "reset")) {
            assertThat(counter(metrics, "portcullis_client_errors_total", "kind", kind)).as(kind).isPositive();
        }
    }

    @Test
    void aRefusedEndpointIsOneWarningPerClusterNotOnePerRequest() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        String log = capturingLog(() -> {
            for (int i = 0; i < 200; i++) {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        dataPlane.http("other.example.test", "/" + i)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(502);
            }
        });
        assertThat(log.lines().filter(line -> line.contains("cluster refusing-garbage-test")).toList()).as(log)
                .isNotEmpty()
                .hasSizeLessThanOrEqualTo(LOG_LINE_BOUND)
                .noneMatch(line -> line.startsWith("\tat "));
        assertThat(dataPlane.server().metrics().scrape()).contains("portcullis_upstream_connect_errors_total{cluster=\"refusing-garbage-test\"}");
    }

    private static void https(int i, Random random, SSLContext tls) throws IOException {
        int port = dataPlane.httpsPort();
        switch (i % 6) {
            case 0 -> raw(port, bytes(random, 64), false);
            case 1 -> raw(port, "GET / HTTP/1.1\r\nHost: app.example.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII), false);
            case 2 -> { // a handshake record whose ClientHello is noise
                byte[] record = bytes(random, 200);
                record[0] = 0x16;
                record[1] = 0x03;
                record[2] = 0x01;
                record[3] = 0;
                record[4] = (byte) 195;
                raw(port, record, false);
            }
            case 3 -> raw(port, new byte[]{0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00}, true); // half a hello, then RST
            case 4 -> insideTls(port, tls, "http/1.1", "NONSENSE\u0001 / HTTP/7\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            default -> insideTls(port, tls, "h2", bytes(random, 100));
        }
    }

    private static void http(int i, Random random) throws IOException {
        int port = dataPlane.httpPort();
        switch (i % 5) {
            case 0 -> raw(port, bytes(random, 64), false);
            case 1 -> raw(port, "GET / HTTP/1.1\r\nHost: app.example.test\r\nX: ".concat("a".repeat(40_000))
                    .concat("\r\n\r\n").getBytes(StandardCharsets.US_ASCII), false);
            case 2 -> raw(port, "GET / HTTP/1.1\r\nHost: app.example.test\r\nContent-Length: -1\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII), false);
            case 3 -> raw(port, "GET / HTTP/1.1\r\nHost: app.exa".getBytes(StandardCharsets.US_ASCII), true);
            default -> raw(port, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\u0000\u0000\u0004\u0009garbage"
                    .getBytes(StandardCharsets.ISO_8859_1), false);
        }
    }

    /** Writes the bytes, then reads what comes back until the server closes (or resets, when {@code reset}). */
    private static void raw(int port, byte[] bytes, boolean reset) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(5_000);
            try {
                socket.getOutputStream().write(bytes);
                if (reset) {
                    socket.setSoLinger(true, 0);
                    return;
                }
                socket.shutdownOutput(); // nothing more to say: the server's answer, then its close
                drain(socket.getInputStream());
            } catch (IOException e) {
                // the server may close first (and so reset our write): that is its answer
            }
        }
    }

    private static void insideTls(int port, SSLContext tls, String alpn, byte[] bytes) throws IOException {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(5_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new javax.net.ssl.SNIHostName("app.example.test")));
            parameters.setApplicationProtocols(new String[]{alpn});
            socket.setSSLParameters(parameters);
            try {
                socket.startHandshake();
                OutputStream out = socket.getOutputStream();
                out.write(bytes);
                out.flush();
                drain(socket.getInputStream());
            } catch (IOException e) {
                // closed by the server mid-way: its answer to garbage
            }
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        while (in.read(buffer) >= 0) {
            // until the server closes
        }
    }

    private static byte[] bytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        bytes[0] = (byte) (0x80 | bytes[0]); // never a TLS record type nor an HTTP method by chance
        return bytes;
    }

    private double clientErrors() {
        String metrics = dataPlane.server().metrics().scrape();
        double sum = 0;
        Matcher matcher = Pattern.compile("(?m)^portcullis_client_errors_total\\{[^}]*} ([0-9.E]+)$").matcher(metrics);
        while (matcher.find()) {
            sum += Double.parseDouble(matcher.group(1));
        }
        return sum;
    }

    private static double counter(String metrics, String name, String tag, String value) {
        Matcher matcher = Pattern.compile("(?m)^" + name + "\\{" + tag + "=\"" + value + "\"} ([0-9.E]+)$").matcher(metrics);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : -1;
    }

    interface Body {
        void run() throws Exception;
    }

    /**
     * What the data plane logged (slf4j-simple writes to the System.err of the moment) while the
     * body ran, at the levels the tests' simplelogger.properties sets: those the image ships.
     */
    private static String capturingLog(Body body) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        original.print(log); // still in the test's output, for whoever reads a failure
        return log;
    }
}
