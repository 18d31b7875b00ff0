package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.config.ClientAddressSettings;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Limits;
import dev.portcullis.dataplane.config.ListenerSettings;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.testsupport.RawTlsClient;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.endpoints;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real client behind a load balancer: a PROXY header (v1 or v2) from a trusted peer gives the
 * client's address to X-Forwarded-For and X-Real-IP; from anyone else it is a malformed request. A
 * trusted proxy's X-Forwarded-For is believed, anyone else's appended to.
 */
class ClientAddressTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("client address CA", KeyType.EC_P256);
    private static final String GET = "GET /who HTTP/1.1\r\nHost: plain.example.test\r\nConnection: close\r\n\r\n";

    private EchoBackend backend;
    private TestDataPlane dataPlane;

    @BeforeEach
    void startBackend() throws Exception {
        backend = EchoBackend.start("pod", "127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        if (dataPlane != null) {
            dataPlane.close();
        }
        backend.close();
    }

    @Test
    void aTrustedBalancersProxyV1HeaderNamesTheClient() throws Exception {
        serve(new ClientAddressSettings(List.of("127.0.0.1/32"), List.of()));
        String answer = plain("127.0.0.1", "PROXY TCP4 203.0.113.7 10.0.0.1 51000 80\r\n".getBytes(StandardCharsets.US_ASCII), GET);
        assertThat(answer).startsWith("HTTP/1.1 200 ").contains("x-real-ip: 203.0.113.7", "x-forwarded-for: 203.0.113.7\n");

        String v6 = plain("127.0.0.1", "PROXY TCP6 2001:db8::7 2001:db8::1 51000 80\r\n".getBytes(StandardCharsets.US_ASCII), GET);
        assertThat(v6).startsWith("HTTP/1.1 200 ").contains("x-real-ip: 2001:db8:0:0:0:0:0:7");
    }

    @Test
    void aTrustedBalancersProxyV2HeaderNamesTheClientOfATlsConnection() throws Exception {
        serve(new ClientAddressSettings(List.of("127.0.0.0/8"), List.of()));
        try (Socket socket = connect("127.0.0.1", dataPlane.httpsPort())) {
            socket.getOutputStream().write(proxyV2(new byte[] {(byte) 198, 51, 100, 9}, 40000));
            RawTlsClient.Response response = RawTlsClient.get(TestClients.sslContextTrusting(CA), socket, "app.example.test", "/who");
            assertThat(response.text()).startsWith("HTTP/1.1 200 ").contains("x-real-ip: 198.51.100.9", "x-forwarded-proto: https");
        }
    }

    @Test
    void aBalancersOwnHealthCheckKeepsThePeersAddress() throws Exception {
        serve(new ClientAddressSettings(List.of("127.0.0.1"), List.of()));
        byte[] local = ByteBuffer.allocate(16).put(V2_SIGNATURE).put((byte) 0x20).put((byte) 0x00).putShort((short) 0).array();
        assertThat(plain("127.0.0.1", local, GET)).startsWith("HTTP/1.1 200 ").contains("x-real-ip: 127.0.0.1");
    }

    @Test
    void anUntrustedPeersProxyHeaderIsAMalformedRequestAndReachesNoPod() throws Exception {
        serve(new ClientAddressSettings(List.of("127.0.0.1/32"), List.of()));
        String answer = plain("127.0.0.2", "PROXY TCP4 203.0.113.7 10.0.0.1 51000 80\r\n".getBytes(StandardCharsets.US_ASCII), GET);
        assertThat(answer).startsWith("HTTP/1.1 400 ");
        assertThat(plain("127.0.0.2", new byte[0], GET)).as("without a header it is served")
                .startsWith("HTTP/1.1 200 ").contains("x-real-ip: 127.0.0.2");
    }

    @Test
    void aTrustedPeerWithoutAHeaderIsCutAndCounted() throws Exception {
        serve(new ClientAddressSettings(List.of("127.0.0.1/32"), List.of()));
        assertThat(plain("127.0.0.1", new byte[0], GET)).as("closed, nothing answered").isEmpty();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> dataPlane.server().metrics()
                .scrape().contains("portcullis_connections_cut_total{reason=\"proxy_header_invalid\"} 1.0"));
    }

    @Test
    void theConnectionCapCountsTheRealClientNotTheBalancer() throws Exception {
        dataPlane = TestDataPlane.serving(snapshot(new ClientAddressSettings(List.of("127.0.0.1/32"), List.of()),
                Limits.DEFAULTS.withConnectionCaps(0, 1)));
        try (Socket first = connect("127.0.0.1", dataPlane.httpPort())) {
            first.getOutputStream().write("PROXY TCP4 203.0.113.1 10.0.0.1 1 80\r\n".getBytes(StandardCharsets.US_ASCII));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> dataPlane.server().metrics()
                    .scrape().contains("portcullis_connections_open{listener=\"http\"} 1.0"));
            assertThat(plain("127.0.0.1", "PROXY TCP4 203.0.113.1 10.0.0.1 3 80\r\n".getBytes(StandardCharsets.US_ASCII), GET))
                    .as("the same client again, over its cap of one").isEmpty();
            String second = plain("127.0.0.1", "PROXY TCP4 203.0.113.2 10.0.0.1 2 80\r\n".getBytes(StandardCharsets.US_ASCII), GET);
            assertThat(second).as("another client behind the same balancer").startsWith("HTTP/1.1 200 ");
        }
    }

    @Test
    void aTrustedProxysForwardedForIsBelievedAndAnyoneElsesAppendedTo() throws Exception {
        serve(new ClientAddressSettings(List.of(), List.of("127.0.0.1/32", "10.0.0.0/8")));
        String chain = "GET /who HTTP/1.1\r\nHost: plain.example.test\r\nX-Forwarded-For: 198.51.100.1, 203.0.113.9, 10.1.2.3\r\n"
                + "Connection: close\r\n\r\n";
        assertThat(plain("127.0.0.1", new byte[0], chain)).as("the rightmost address outside the trusted ranges")
                .contains("x-real-ip: 203.0.113.9", "x-forwarded-for: 198.51.100.1, 203.0.113.9, 10.1.2.3, 127.0.0.1\n");
        assertThat(plain("127.0.0.2", new byte[0], chain)).as("not a trusted proxy: its word is not taken")
                .contains("x-real-ip: 127.0.0.2", "x-forwarded-for: 198.51.100.1, 203.0.113.9, 10.1.2.3, 127.0.0.2\n");
    }

    @Test
    void aRangeThatIsNotOneRefusesTheSnapshot() {
        assertThat(snapshot(new ClientAddressSettings(List.of("10.0.0.0/33"), List.of("example.com")), Limits.DEFAULTS).validate())
                .containsExactly("listener.clientAddress.proxyProtocolFrom: \"10.0.0.0/33\" has a prefix length outside 0-32",
                        "listener.clientAddress.trustForwardedForFrom: \"example.com\" is not an IPv4 or IPv6 address or network");
    }

    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private static byte[] proxyV2(byte[] source, int sourcePort) {
        return ByteBuffer.allocate(28).put(V2_SIGNATURE).put((byte) 0x21).put((byte) 0x11).putShort((short) 12)
                .put(source).put(new byte[] {10, 0, 0, 1}).putShort((short) sourcePort).putShort((short) 443).array();
    }

    private void serve(ClientAddressSettings settings) {
        dataPlane = TestDataPlane.serving(snapshot(settings, Limits.DEFAULTS));
    }

    private Snapshot snapshot(ClientAddressSettings settings, Limits limits) {
        return new Snapshot(1,
                List.of(host("plain.example.test", null, prefix("/", "pod")), host("app.example.test", "app", prefix("/", "pod"))),
                List.of(new Cluster("pod", endpoints(List.of(backend)))),
                List.of(certificate("app", CA.issueServer(List.of("app.example.test"), KeyType.EC_P256))), null,
                new ListenerSettings("1.2", limits, null, null, settings, null, null));
    }

    private Socket connect(String from, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Sends {@code header} then {@code request} on the plain listener from {@code from}; what came back until closed. */
    private String plain(String from, byte[] header, String request) throws IOException {
        try (Socket socket = connect(from, dataPlane.httpPort())) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(header);
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(out.toByteArray());
            try {
                return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            } catch (java.net.SocketException reset) {
                return "";
            }
        }
    }
}
