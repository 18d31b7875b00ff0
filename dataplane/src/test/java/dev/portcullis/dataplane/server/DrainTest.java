package dev.portcullis.dataplane.server;

import com.sun.net.httpserver.HttpServer;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.DrainSettings;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.Limits;
import dev.portcullis.dataplane.config.ListenerSettings;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A drain on real sockets, in the order a SIGTERM runs it: not ready and HTTP/2 told GOAWAY first,
 * kept-alive connections served with {@code Connection: close} during the delay, then idle ones
 * closed and the listeners too, and a request in flight still answered before the drain returns.
 */
class DrainTest {

    private final CountDownLatch arrived = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch delayOver = new CountDownLatch(1); // the test ends the drain's delay, not a clock
    private final AtomicLong delayAsked = new AtomicLong();
    private HttpServer pod;
    private TestDataPlane dataPlane;

    @BeforeEach
    void start() throws IOException {
        pod = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pod.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        pod.createContext("/", exchange -> {
            try (exchange) {
                if (exchange.getRequestURI().getPath().equals("/hold")) {
                    arrived.countDown();
                    release.await(30, TimeUnit.SECONDS);
                }
                byte[] body = "done\n".getBytes(StandardCharsets.US_ASCII);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        pod.start();
        dataPlane = TestDataPlane.serving(new Snapshot(1, List.of(host("plain.example.test", null, prefix("/", "pod"))),
                List.of(new Cluster("pod", List.of(Endpoint.ready("127.0.0.1", pod.getAddress().getPort())))), List.of(), null,
                new ListenerSettings("1.2", Limits.DEFAULTS, null, null, null, null, new DrainSettings(2_000, 20_000))));
    }

    @AfterEach
    void stop() {
        release.countDown();
        delayOver.countDown();
        dataPlane.close();
        pod.stop(0);
    }

    @Test
    void aDrainStopsTakingClientsAndFinishesWhatIsInFlight() throws Exception {
        Socket keptAlive = connect();
        keptAlive.getOutputStream().write(get("/").getBytes(StandardCharsets.US_ASCII));
        assertThat(readResponse(keptAlive.getInputStream())).startsWith("HTTP/1.1 200 ");
        Socket idle = connect();
        idle.getOutputStream().write(get("/").getBytes(StandardCharsets.US_ASCII));
        assertThat(readResponse(idle.getInputStream())).startsWith("HTTP/1.1 200 ");
        Socket busy = connect();
        busy.getOutputStream().write(get("/hold").getBytes(StandardCharsets.US_ASCII));
        assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
        Socket h2 = connect();
        h2.getOutputStream().write(("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        h2.getOutputStream().write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
        // The drain starts once the data plane speaks HTTP/2 on it (on a busy machine it may not have read the preface yet).
        awaitServerSettings(h2.getInputStream());

        CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> {
            try {
                dataPlane.server().drain(millis -> {
                    delayAsked.set(millis);
                    delayOver.await(30, TimeUnit.SECONDS);
                });
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        HttpClient admin = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.send(HttpRequest.newBuilder(dataPlane.admin("/readyz")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode() == 503);
        assertThat(goAwayLastStreamId(h2.getInputStream())).as("HTTP/2 is told GOAWAY, every stream still taken")
                .isEqualTo(Integer.MAX_VALUE);
        keptAlive.getOutputStream().write(get("/").getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(keptAlive.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                .as("during the delay a kept-alive connection is served once more, and told to close")
                .startsWith("HTTP/1.1 200 ").containsIgnoringCase("connection: close");
        delayOver.countDown();

        assertThat(idle.getInputStream().read()).as("after the delay an idle connection is closed").isEqualTo(-1);
        h2.getInputStream().readAllBytes(); // until the data plane closes it (the ack of our SETTINGS may come last)
        assertThat(h2.getInputStream().read()).as("and HTTP/2 without a stream too").isEqualTo(-1);
        await().atMost(Duration.ofSeconds(10)).until(this::refused);
        assertThat(drained).as("a request is still in flight").isNotDone();

        release.countDown();
        String answer = new String(busy.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1); // until closed
        assertThat(answer).startsWith("HTTP/1.1 200 ").containsIgnoringCase("connection: close").endsWith("done\n");
        drained.get(20, TimeUnit.SECONDS);
        assertThat(delayAsked).as("the delay configured").hasValue(2_000);
        for (Socket socket : List.of(keptAlive, idle, busy, h2)) {
            socket.close();
        }
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: plain.example.test\r\n\r\n";
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", dataPlane.httpPort());
        socket.setSoTimeout(20_000);
        return socket;
    }

    private boolean refused() {
        try (Socket ignored = new Socket("127.0.0.1", dataPlane.httpPort())) {
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads one response framed by Content-Length, leaving the connection open. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        if (length.find()) {
            in.readNBytes(Integer.parseInt(length.group(1)));
        }
        return head.toString();
    }

    /** Reads HTTP/2 frames until the server's own SETTINGS (not an ACK). */
    private static void awaitServerSettings(InputStream in) throws IOException {
        DataInputStream frames = new DataInputStream(in);
        byte[] header = new byte[9];
        while (true) {
            frames.readFully(header);
            int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
            frames.skipNBytes(length);
            if (header[3] == 0x4 && (header[4] & 0x1) == 0) {
                return;
            }
        }
    }

    /** Reads HTTP/2 frames until a GOAWAY, and returns its last stream id (-1: the connection ended first). */
    private static int goAwayLastStreamId(InputStream in) throws IOException {
        DataInputStream frames = new DataInputStream(in);
        byte[] header = new byte[9];
        while (frames.read(header, 0, 1) == 1) {
            frames.readFully(header, 1, 8);
            int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
            if (header[3] == 0x7) {
                int lastStreamId = frames.readInt() & 0x7fffffff;
                frames.skipNBytes(length - 4);
                return lastStreamId;
            }
            frames.skipNBytes(length);
        }
        return -1;
    }
}
