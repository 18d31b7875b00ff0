package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.Limits;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32;

import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Inactivity, not total time, cuts a transfer (issue #16): a 1 GiB upload through a pod that reads
 * at about 12 MB/s (about 90 s) completes under the default limits, where the response-start timer
 * (60 s) and the body idle timeout (60 s) are both shorter than the upload. The response timer
 * starts only once the whole request has arrived; the body never stops moving for 60 s.
 */
class LongUploadTest {

    private static final long BODY_BYTES = 1L << 30;
    private static final int BLOCK = 64 * 1024;
    /** About 12 MB/s: 1 GiB in about 90 s. */
    private static final long POD_BYTES_PER_SECOND = 12_000_000;

    private ServerSocket pod;
    private TestDataPlane dataPlane;

    @BeforeEach
    void start() throws IOException {
        pod = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::serveSlowly);
        // Default Limits, default response timeout: nothing here is tuned for the test.
        dataPlane = TestDataPlane.serving(new Snapshot(1,
                List.of(host("app.example.test", null, prefix("/", "pod"))),
                List.of(new Cluster("pod", List.of(Endpoint.ready("127.0.0.1", pod.getLocalPort())))),
                List.of(), null));
        assertThat(Limits.DEFAULT_BODY_IDLE_TIMEOUT_MILLIS).isEqualTo(60_000);
        assertThat(Limits.DEFAULT_RESPONSE_START_TIMEOUT_MILLIS).isEqualTo(60_000);
    }

    @AfterEach
    void stop() throws IOException {
        dataPlane.close();
        pod.close();
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aOneGigabyteUploadThroughASlowPodCompletes() throws Exception {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), dataPlane.httpPort())) {
            OutputStream out = client.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: app.example.test\r\nContent-Length: " + BODY_BYTES
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            // The body is generated block by block (never held whole); its CRC-32 is what the pod must report.
            CompletableFuture<Long> sent = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    sent.complete(writeBody(out));
                } catch (Throwable e) {
                    sent.completeExceptionally(e);
                }
            });
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            long crc = sent.get(10, TimeUnit.SECONDS); // the pod answered after the whole body: it was sent
            assertThat(answer).startsWith("HTTP/1.1 200 ")
                    .endsWith("bytes=" + BODY_BYTES + " crc32=" + Long.toHexString(crc));
        }
    }

    private static long writeBody(OutputStream out) throws IOException {
        byte[] block = new byte[BLOCK];
        new Random(16).nextBytes(block);
        CRC32 crc = new CRC32();
        for (long offset = 0; offset < BODY_BYTES; offset += BLOCK) {
            long index = offset / BLOCK; // each block differs from the others in its first bytes
            for (int i = 0; i < Long.BYTES; i++) {
                block[i] = (byte) (index >>> (8 * i));
            }
            out.write(block);
            crc.update(block);
        }
        out.flush();
        return crc.getValue();
    }

    /**
     * The slow pod: reads a request head, then the body in blocks, each not before its time on a
     * schedule of {@link #POD_BYTES_PER_SECOND} from the first body byte; answers with the count and the CRC-32.
     */
    private void serveSlowly() {
        while (!pod.isClosed()) {
            Socket connection;
            try {
                connection = pod.accept();
            } catch (IOException e) {
                return;
            }
            Thread.ofVirtual().start(() -> {
                try (connection) {
                    InputStream in = connection.getInputStream();
                    long length = readHead(in);
                    byte[] block = new byte[BLOCK];
                    CRC32 crc = new CRC32();
                    long received = 0;
                    long startNanos = System.nanoTime();
                    while (received < length) {
                        long due = startNanos + received * 1_000_000_000L / POD_BYTES_PER_SECOND;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait); // the pod's pace, not a wait for the test's outcome
                        }
                        int n = in.read(block, 0, (int) Math.min(BLOCK, length - received));
                        if (n < 0) {
                            return; // the proxy gave up on the upload: the client gets no 200
                        }
                        crc.update(block, 0, n);
                        received += n;
                    }
                    byte[] body = ("bytes=" + received + " crc32=" + Long.toHexString(crc.getValue()))
                            .getBytes(StandardCharsets.ISO_8859_1);
                    OutputStream out = connection.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.write(body);
                    out.flush();
                } catch (IOException ignored) {
                    // the proxy cut the connection: the client's assertion says so
                }
            });
        }
    }

    /** Reads a request head and returns its Content-Length. */
    private static long readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) {
                for (String line : text.split("\r\n")) {
                    if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                        return Long.parseLong(line.substring(15).trim());
                    }
                }
                return 0;
            }
        }
        throw new IOException("no request head");
    }
}
