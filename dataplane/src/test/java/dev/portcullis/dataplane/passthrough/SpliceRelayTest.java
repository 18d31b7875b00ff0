package dev.portcullis.dataplane.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.dataplane.accesslog.AsyncAccessLog;
import dev.portcullis.dataplane.config.AccessLogSettings;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.Limits;
import dev.portcullis.dataplane.config.ListenerSettings;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Passthrough relaying by splice(2) on the real epoll transport once a connection has carried 64 KiB
 * (through buffers before that), and by buffers where splice is off
 * ({@code portcullis.passthrough.splice=false}, the path NIO takes): tens of megabytes each way,
 * checked byte for byte by SHA-256; half-closes in each direction with the other way still carrying
 * a body; a client that resets and an endpoint that closes in the middle; the access log's byte counts.
 * The client sends a real ClientHello (the JDK's) followed by raw bytes; the pod is a TCP listener
 * that reads the ClientHello record and treats the rest as the body.
 */
class SpliceRelayTest {

    private static final String HOST = "splice.example.test";
    private static final int MB = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
    private ServerSocket pod;
    private TestDataPlane dataPlane;
    private AsyncAccessLog log;

    @AfterEach
    void stop() throws IOException {
        System.clearProperty(PassthroughConnector.SPLICE_PROPERTY);
        if (dataPlane != null) {
            dataPlane.close();
        }
        if (log != null) {
            log.close();
        }
        if (pod != null) {
            pod.close();
        }
    }

    @ParameterizedTest(name = "splice {0}")
    @ValueSource(booleans = {true, false})
    void tensOfMegabytesEachWayAtOnceArriveByteForByteAndTheLogCountsThem(boolean splice) throws Exception {
        serve(splice);
        byte[] hello = clientHello();
        long pipesBefore = pipes();
        try (Socket client = connect(hello); Socket relayed = nextRelayed(hello)) {
            CompletableFuture<String> up = send(client, 1, 48 * MB);
            CompletableFuture<String> down = send(relayed, 2, 40 * MB);
            InputStream fromPod = client.getInputStream();
            byte[] first = fromPod.readNBytes(MB);
            if (splice) {
                assertThat(pipes() - pipesBefore).as("the relay spliced through pipes of its own").isGreaterThanOrEqualTo(2);
            }
            CompletableFuture<Received> atPod = receive(relayed.getInputStream(), new byte[0]);
            Received atClient = receive(fromPod, first).get(50, TimeUnit.SECONDS);
            assertThat(atClient.sha256()).isEqualTo(down.get(50, TimeUnit.SECONDS));
            assertThat(atClient.bytes()).isEqualTo(40L * MB);
            assertThat(atPod.get(50, TimeUnit.SECONDS).sha256()).isEqualTo(up.get(50, TimeUnit.SECONDS));
        }
        JsonNode line = nextLine();
        assertThat(line.get("kind").asText()).isEqualTo("passthrough");
        assertThat(line.get("bytesReceived").asLong()).as("ClientHello and body").isEqualTo(hello.length + 48L * MB);
        assertThat(line.get("bytesSent").asLong()).isEqualTo(40L * MB);
        assertThat(dataPlane.server().metrics().registry().get("portcullis.passthrough.connections").counter().count())
                .isEqualTo(1.0);
    }

    /** 16 MiB up splices before the client's FIN; after 1 KiB the connection is half-closed unspliced and stays on buffers. */
    @ParameterizedTest(name = "splice {0}, {1} bytes up")
    @CsvSource({"true, 16777216", "false, 16777216", "true, 1024", "false, 1024"})
    void aClientThatHasFinishedSendingStillGetsTheWholeAnswer(boolean splice, long upload) throws Exception {
        serve(splice);
        byte[] hello = clientHello();
        try (Socket client = connect(hello); Socket relayed = nextRelayed(hello)) {
            CompletableFuture<String> up = send(client, 3, upload);
            Received atPod = receive(relayed.getInputStream(), new byte[0]).get(50, TimeUnit.SECONDS);
            assertThat(atPod.sha256()).as("everything before the client's FIN, then the FIN").isEqualTo(up.get());
            // Only now, after the client's end of input, does the pod answer.
            CompletableFuture<String> down = send(relayed, 4, 32 * MB);
            Received atClient = receive(client.getInputStream(), new byte[0]).get(50, TimeUnit.SECONDS);
            assertThat(atClient.sha256()).isEqualTo(down.get(50, TimeUnit.SECONDS));
        }
        JsonNode line = nextLine();
        assertThat(line.get("bytesReceived").asLong()).isEqualTo(hello.length + upload);
        assertThat(line.get("bytesSent").asLong()).isEqualTo(32L * MB);
    }

    @Test
    void aShortConnectionIsRelayedThroughBuffersWithoutPipes() throws Exception {
        serve(true);
        byte[] hello = clientHello();
        byte[] request = new byte[4 * 1024];
        new SplittableRandom(9).nextBytes(request);
        long pipesBefore = pipes();
        try (Socket client = connect(hello); Socket relayed = nextRelayed(hello)) {
            // Both ways open throughout: a splice, had one started, would still hold its pipes.
            client.getOutputStream().write(request);
            assertThat(relayed.getInputStream().readNBytes(request.length)).isEqualTo(request);
            byte[] answer = new byte[16 * 1024];
            new SplittableRandom(10).nextBytes(answer);
            relayed.getOutputStream().write(answer);
            assertThat(client.getInputStream().readNBytes(answer.length)).isEqualTo(answer);
            assertThat(pipes()).as("20 KiB relayed: no splice, so no pipes").isLessThanOrEqualTo(pipesBefore);
        }
        JsonNode line = nextLine();
        assertThat(line.get("bytesReceived").asLong()).isEqualTo(hello.length + 4L * 1024);
        assertThat(line.get("bytesSent").asLong()).isEqualTo(16L * 1024);
    }

    @ParameterizedTest(name = "splice {0}")
    @ValueSource(booleans = {true, false})
    void anEndpointThatHasFinishedSendingStillGetsTheWholeRequest(boolean splice) throws Exception {
        serve(splice);
        byte[] hello = clientHello();
        try (Socket client = connect(hello); Socket relayed = nextRelayed(hello)) {
            // The pod's FIN reaches the proxy while most of its body is still unread there.
            CompletableFuture<String> down = send(relayed, 5, 32 * MB);
            Received atClient = receive(client.getInputStream(), new byte[0]).get(50, TimeUnit.SECONDS);
            assertThat(atClient.sha256()).as("all of it, then the FIN").isEqualTo(down.get());
            CompletableFuture<String> up = send(client, 6, 16 * MB);
            Received atPod = receive(relayed.getInputStream(), new byte[0]).get(50, TimeUnit.SECONDS);
            assertThat(atPod.sha256()).isEqualTo(up.get(50, TimeUnit.SECONDS));
        }
        JsonNode line = nextLine();
        assertThat(line.get("bytesReceived").asLong()).isEqualTo(hello.length + 16L * MB);
        assertThat(line.get("bytesSent").asLong()).isEqualTo(32L * MB);
    }

    @ParameterizedTest(name = "splice {0}")
    @ValueSource(booleans = {true, false})
    void aClientResetInTheMiddleEndsTheEndpointsConnection(boolean splice) throws Exception {
        serve(splice);
        byte[] hello = clientHello();
        try (Socket client = connect(hello); Socket relayed = nextRelayed(hello)) {
            CompletableFuture<String> down = send(relayed, 7, 512 * MB);
            client.getInputStream().readNBytes(2 * MB);
            client.setSoLinger(true, 0);
            client.close(); // RST
            assertThat(down).as("the pod's writes fail once the relay closes its side")
                    .failsWithin(50, TimeUnit.SECONDS);
        }
        JsonNode line = nextLine();
        assertThat(line.get("bytesSent").asLong()).isGreaterThanOrEqualTo(2L * MB).isLessThan(512L * MB);
    }

    @ParameterizedTest(name = "splice {0}")
    @ValueSource(booleans = {true, false})
    void anEndpointClosingInTheMiddleEndsTheClientsConnection(boolean splice) throws Exception {
        serve(splice);
        byte[] hello = clientHello();
        try (Socket client = connect(hello); Socket relayed = nextRelayed(hello)) {
            CompletableFuture<String> up = send(client, 8, 512 * MB);
            relayed.getInputStream().readNBytes(2 * MB);
            relayed.close(); // with unread bytes: an RST
            assertThat(up).as("the client's writes fail once the relay closes its side")
                    .failsWithin(50, TimeUnit.SECONDS);
        }
        JsonNode line = nextLine();
        assertThat(line.get("bytesReceived").asLong()).isGreaterThanOrEqualTo(2L * MB).isLessThan(512L * MB);
    }

    @Test
    void epollIsWhatTheseTestsRunOn() {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"));
        assertThat(Epoll.isAvailable()).as("the native transport loads, so the splice cases splice").isTrue();
    }

    private void serve(boolean splice) throws IOException {
        if (splice) {
            assumeTrue(Epoll.isAvailable(), "splice needs the epoll transport");
        }
        System.setProperty(PassthroughConnector.SPLICE_PROPERTY, Boolean.toString(splice));
        pod = new ServerSocket();
        pod.bind(new InetSocketAddress("127.0.0.1", 0));
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    accepted.add(pod.accept());
                }
            } catch (IOException closed) {
                // the pod stops
            }
        });
        VirtualHost host = new VirtualHost(HOST, TlsMode.PASSTHROUGH, null, List.of(new Route(PathMatch.prefix("/"), "pod")), false);
        dataPlane = TestDataPlane.serving(new Snapshot(1, List.of(host),
                List.of(new Cluster("pod", List.of(Endpoint.ready("127.0.0.1", pod.getLocalPort())))), List.of(), null,
                new ListenerSettings("1.2", Limits.DEFAULTS, null, null, null, AccessLogSettings.DEFAULT, null)));
        log = new AsyncAccessLog(new LineCollector(lines), new SimpleMeterRegistry().counter("dropped"));
        dataPlane.server().config().useAccessLog(log);
    }

    private Socket connect(byte[] hello) throws IOException {
        Socket client = new Socket("127.0.0.1", dataPlane.httpsPort());
        client.getOutputStream().write(hello);
        return client;
    }

    /** The pod's side of the next relayed connection, its ClientHello read and checked. */
    private Socket nextRelayed(byte[] hello) throws Exception {
        Socket relayed = accepted.poll(10, TimeUnit.SECONDS);
        assertThat(relayed).as("the relay reached the pod").isNotNull();
        DataInputStream in = new DataInputStream(relayed.getInputStream());
        byte[] header = in.readNBytes(5);
        byte[] record = new byte[5 + ((header[3] & 0xff) << 8 | (header[4] & 0xff))];
        System.arraycopy(header, 0, record, 0, 5);
        in.readFully(record, 5, record.length - 5);
        assertThat(record).as("the ClientHello, first and whole").isEqualTo(hello);
        return relayed;
    }

    /** Writes {@code length} seeded random bytes then half-closes; completes with their SHA-256, or fails. */
    private static CompletableFuture<String> send(Socket socket, long seed, long length) {
        CompletableFuture<String> done = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                SplittableRandom random = new SplittableRandom(seed);
                byte[] chunk = new byte[64 * 1024];
                OutputStream out = socket.getOutputStream();
                for (long left = length; left > 0; left -= chunk.length) {
                    int size = (int) Math.min(chunk.length, left);
                    random.nextBytes(chunk);
                    digest.update(chunk, 0, size);
                    out.write(chunk, 0, size);
                }
                out.flush();
                socket.shutdownOutput();
                done.complete(HexFormat.of().formatHex(digest.digest()));
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    private record Received(long bytes, String sha256) {
    }

    /** Reads to the end of input, {@code first} counted as read already. */
    private static CompletableFuture<Received> receive(InputStream in, byte[] first) {
        CompletableFuture<Received> done = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                digest.update(first);
                long bytes = first.length;
                byte[] buffer = new byte[64 * 1024];
                for (int read; (read = in.read(buffer)) >= 0; bytes += read) {
                    digest.update(buffer, 0, read);
                }
                done.complete(new Received(bytes, HexFormat.of().formatHex(digest.digest())));
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** Pipes this process holds open: splice makes two per direction. */
    private static long pipes() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("pipe:");
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }

    private JsonNode nextLine() throws Exception {
        String line = lines.poll(30, TimeUnit.SECONDS);
        assertThat(line).as("an access log line").isNotNull();
        return JSON.readTree(line);
    }

    private static byte[] clientHello() throws Exception {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine(HOST, 443);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(HOST)));
        engine.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining()];
        out.get(hello);
        return hello;
    }

    /** The access log writer's output, one string per line. */
    private static final class LineCollector extends OutputStream {
        private final BlockingQueue<String> lines;
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();

        LineCollector(BlockingQueue<String> lines) {
            this.lines = lines;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(current.toString(StandardCharsets.UTF_8));
                current.reset();
            } else {
                current.write(b);
            }
        }
    }
}
