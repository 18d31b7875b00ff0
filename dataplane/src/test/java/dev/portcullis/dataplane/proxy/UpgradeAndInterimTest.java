package dev.portcullis.dataplane.proxy;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static dev.portcullis.dataplane.testsupport.RawHttp.readHead;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP Upgrade beyond WebSockets, on raw sockets: a 101 turns the exchange into a byte relay with
 * half-close; a 101 nobody asked for is a bad gateway; interim responses (103 Early Hints) reach
 * HTTP/1.1 clients and not HTTP/1.0 ones.
 */
class UpgradeAndInterimTest {

    private ServerSocket pod;
    private Thread podThread;
    private final LinkedBlockingQueue<String> podHeard = new LinkedBlockingQueue<>();
    private TestDataPlane dataPlane;

    /** What the scripted pod does after reading a request head. */
    private interface Script {
        void run(String head, InputStream in, OutputStream out) throws IOException;
    }

    @AfterEach
    void stop() throws Exception {
        if (dataPlane != null) {
            dataPlane.close();
        }
        pod.close();
        podThread.join(10_000);
    }

    private void start(Script script) throws IOException {
        pod = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        podThread = Thread.ofVirtual().start(() -> {
            while (!pod.isClosed()) {
                try (Socket connection = pod.accept()) {
                    InputStream in = connection.getInputStream();
                    String head = readHead(in);
                    podHeard.add(head);
                    script.run(head, in, connection.getOutputStream());
                } catch (IOException closed) {
                    // the test is over, or the proxy cut this connection
                }
            }
        });
        dataPlane = TestDataPlane.serving(new Snapshot(1, List.of(host("app.example.test", null, prefix("/", "pod"))),
                List.of(new Cluster("pod", List.of(new Endpoint("127.0.0.1", pod.getLocalPort(), true)))), List.of(), null));
    }

    @Test
    void a101TurnsTheConnectionIntoATwoWayRelayWithHalfClose() throws Exception {
        start((head, in, out) -> {
            out.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: chat\r\nConnection: Upgrade\r\n\r\nwelcome\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            byte[] said = in.readAllBytes(); // until the client's half-close reaches here
            out.write(("you said " + new String(said, StandardCharsets.ISO_8859_1) + "bye\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        });
        try (Socket client = connect()) {
            client.getOutputStream().write(("GET /chat HTTP/1.1\r\nHost: app.example.test\r\nUpgrade: chat\r\n"
                    + "Connection: keep-alive, Upgrade\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = client.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 101 ").containsIgnoringCase("upgrade: chat")
                    .containsIgnoringCase("connection: upgrade");
            assertThat(readLine(in)).isEqualTo("welcome");
            client.getOutputStream().write("GET is not HTTP here\n".getBytes(StandardCharsets.ISO_8859_1));
            client.shutdownOutput();
            String rest = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(rest).isEqualTo("you said GET is not HTTP here\nbye\n");
        }
        String podSaw = podHeard.poll(10, TimeUnit.SECONDS);
        assertThat(podSaw).containsIgnoringCase("upgrade: chat").containsIgnoringCase("connection: upgrade");
    }

    @Test
    void a101NobodyAskedForIsABadGateway() throws Exception {
        start((head, in, out) -> {
            out.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: chat\r\nConnection: Upgrade\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            in.readAllBytes();
        });
        assertThat(exchange("GET /x HTTP/1.1\r\nHost: app.example.test\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 502 ");
    }

    @Test
    void earlyHintsReachAnHttp11ClientBeforeTheResponseAndNotAnHttp10One() throws Exception {
        start((head, in, out) -> {
            out.write(("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                    + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        });
        String http11 = exchange("GET /x HTTP/1.1\r\nHost: app.example.test\r\nConnection: close\r\n\r\n");
        assertThat(http11).startsWith("HTTP/1.1 103 Early Hints\r\n").containsIgnoringCase("link: </style.css>; rel=preload")
                .contains("\r\n\r\nHTTP/1.1 200 OK\r\n").endsWith("ok");
        String http10 = exchange("GET /x HTTP/1.0\r\nHost: app.example.test\r\n\r\n");
        assertThat(http10).startsWith("HTTP/1.1 200 OK\r\n").doesNotContain("103").endsWith("ok");
    }

    private String exchange(String request) throws IOException {
        try (Socket client = connect()) {
            client.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), dataPlane.httpPort());
        socket.setSoTimeout(10_000);
        return socket;
    }


    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.append((char) b);
        }
        return line.toString();
    }
}
