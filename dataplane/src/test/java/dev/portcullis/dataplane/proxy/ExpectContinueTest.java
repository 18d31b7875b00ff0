package dev.portcullis.dataplane.proxy;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.portcullis.dataplane.testsupport.RawHttp.readHead;
import static dev.portcullis.dataplane.testsupport.Snapshots.endpoints;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code Expect: 100-continue} is answered once the request is routed and within its limits, so
 * a request the proxy refuses (404, 413) never makes the client send its body; other
 * expectations get 417.
 */
class ExpectContinueTest {

    private static EchoBackend pod;
    private static TestDataPlane dataPlane;

    @BeforeAll
    static void start() throws Exception {
        pod = EchoBackend.start("pod", "127.0.0.1", 0);
        dataPlane = TestDataPlane.serving(new Snapshot(1,
                List.of(host("app.example.test", null, prefix("/small", "small"), prefix("/", "pod"))),
                List.of(new Cluster("pod", endpoints(List.of(pod))),
                        new Cluster("small", endpoints(List.of(pod))).withMaxRequestBodyBytes(1024)),
                List.of(), null));
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
        pod.close();
    }

    @Test
    void aRoutedRequestGets100ThenItsBodyGoesToThePod() throws Exception {
        try (Socket client = connect()) {
            send(client, "POST /upload HTTP/1.1\r\nHost: app.example.test\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            InputStream in = client.getInputStream();
            assertThat(readHead(in)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            send(client, "hello");
            String answer = readHead(in);
            assertThat(answer).startsWith("HTTP/1.1 200 ");
            String body = new String(in.readNBytes(contentLength(answer)), StandardCharsets.ISO_8859_1);
            assertThat(body).contains("body-bytes: 5").doesNotContainIgnoringCase("expect:");
        }
    }

    @Test
    void aRequestAnsweredByTheProxyIsNeverAskedForItsBody() throws Exception {
        for (String request : List.of(
                "POST /upload HTTP/1.1\r\nHost: nobody.example.test\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
                "POST /small HTTP/1.1\r\nHost: app.example.test\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n")) {
            try (Socket client = connect()) {
                send(client, request);
                String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(answer).as(request).matches("(?s)HTTP/1\\.1 (404|413) .*").doesNotContain("100 Continue");
            }
        }
    }

    @Test
    void anExpectationOtherThan100ContinueGets417() throws Exception {
        try (Socket client = connect()) {
            send(client, "POST /upload HTTP/1.1\r\nHost: app.example.test\r\nContent-Length: 5\r\nExpect: teapot\r\n\r\n");
            assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 417 ");
        }
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), dataPlane.httpPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void send(Socket client, String text) throws IOException {
        client.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        client.getOutputStream().flush();
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        throw new AssertionError("no Content-Length in " + head);
    }
}
