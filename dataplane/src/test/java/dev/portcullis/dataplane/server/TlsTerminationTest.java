package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.testsupport.Processes;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.endpoints;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real TLS handshakes on 127.0.0.1, checked with the JDK client and with openssl s_client. */
class TlsTerminationTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("TLS test CA", KeyType.EC_P256);
    private static final IssuedCertificate APP = CA.issueServer(List.of("app.example.test"), KeyType.EC_P256);
    private static final IssuedCertificate API = CA.issueServer(List.of("api.example.test"), KeyType.RSA_2048);
    private static final IssuedCertificate WILD = CA.issueServer(List.of("*.wild.example.test"), KeyType.EC_P256);

    @TempDir
    static Path directory;
    private static Path caFile;
    private static EchoBackend backend;
    private static TestDataPlane dataPlane;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        caFile = Files.writeString(directory.resolve("ca.crt"), CA.certificatePem());
        backend = EchoBackend.start("echo", "127.0.0.1", 0);
        dataPlane = TestDataPlane.serving(new Snapshot(1,
                List.of(host("app.example.test", "app", prefix("/", "echo")),
                        host("api.example.test", "api", prefix("/", "echo")),
                        host("*.wild.example.test", "wild", prefix("/", "echo"))),
                List.of(new Cluster("echo", endpoints(List.of(backend)))),
                List.of(certificate("app", APP), certificate("api", API), certificate("wild", WILD)),
                null));
        client = TestClients.trusting(CA);
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
        backend.close();
    }

    /**
     * TLS 1.3 with a client that leaves Nagle's algorithm on and writes its request after the
     * handshake (an OpenSSL-based client, which sends its last handshake flight in one segment):
     * unless the server acknowledges the client's Finished at once, the request waits for the
     * server's delayed ACK, 40 ms or more on Linux, on every new connection. The median of several
     * connections keeps a busy machine's outliers out of it.
     */
    @Test
    void aNagleClientIsNotHeldBackByADelayedAck() throws Exception {
        SslContext tls = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL).protocols("TLSv1.3")
                .trustManager(CA.certificate())
                .build();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                millis.add(millisFromRequestToAnswer(group, tls, "app.example.test"));
            }
            Collections.sort(millis);
            assertThat(millis.get(millis.size() / 2)).as("median ms to an answer, of %s", millis).isLessThan(30);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static long millisFromRequestToAnswer(EventLoopGroup group, SslContext tls, String hostname)
            throws Exception {
        CompletableFuture<Long> answered = new CompletableFuture<>();
        StringBuilder response = new StringBuilder();
        new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, false)
                .handler(new ChannelInitializer<>() {
                    long start;

                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(tls.newHandler(channel.alloc(), hostname, dataPlane.httpsPort()),
                                new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                                        if (event instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
                                            // A moment later, as a blocking client would: the Finished has left alone.
                                            ctx.executor().schedule(() -> {
                                                start = System.nanoTime();
                                                ctx.writeAndFlush(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: " + hostname
                                                        + "\r\nConnection: close\r\n\r\n", StandardCharsets.US_ASCII));
                                            }, 5, TimeUnit.MILLISECONDS);
                                        }
                                    }

                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        response.append(((ByteBuf) msg).toString(StandardCharsets.US_ASCII));
                                        ((ByteBuf) msg).release();
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        answered.complete((System.nanoTime() - start) / 1_000_000);
                                    }
                                });
                    }
                })
                .connect("127.0.0.1", dataPlane.httpsPort()).sync();
        long millis = answered.get(10, TimeUnit.SECONDS);
        assertThat(response.toString()).startsWith("HTTP/1.1 200");
        return millis;
    }

    @ParameterizedTest(name = "{0} is served with its own certificate")
    @CsvSource({"app.example.test, EC", "api.example.test, RSA", "one.wild.example.test, EC", "two.wild.example.test, EC"})
    void eachNameGetsItsOwnVerifiedCertificate(String hostname, String keyAlgorithm) throws Exception {
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(dataPlane.https(hostname, "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        X509Certificate leaf = (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
        assertThat(leaf.getPublicKey().getAlgorithm()).isEqualTo(keyAlgorithm);
        assertThat(leaf.getSubjectAlternativeNames()).extracting(name -> name.get(1).toString())
                .containsExactly(hostname.endsWith("wild.example.test") ? "*.wild.example.test" : hostname);
    }

    @ParameterizedTest(name = "openssl s_client -servername {0}")
    @CsvSource({"app.example.test, 256, app.example.test", "api.example.test, 2048, api.example.test",
            "one.wild.example.test, 256, *.wild.example.test"})
    void opensslVerifiesEachName(String hostname, int keyBits, String commonName) {
        Processes.Result result = sClient("-servername", hostname, "-verify_hostname", hostname);
        assertThat(result.stdout()).contains("Verify return code: 0 (ok)")
                .contains("Server public key is " + keyBits + " bit")
                .contains("subject=CN = " + commonName);
    }

    @ParameterizedTest(name = "{0} falls back to the default certificate")
    @CsvSource({"deep.one.wild.example.test", "wild.example.test", "other.example.test"})
    void unknownNamesAndDeeperWildcardsGetTheDefaultCertificate(String hostname) {
        assertThat(sClient("-servername", hostname).stdout()).contains("subject=CN = portcullis default certificate");
    }

    @Test
    void aClientWithoutSniGetsTheDefaultCertificate() {
        assertThat(sClient("-noservername").stdout()).contains("subject=CN = portcullis default certificate");
    }

    @Test
    void theDefaultCertificateFailsVerificationForUnknownNames() {
        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(dataPlane.https("other.example.test", "/")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    }

    @ParameterizedTest(name = "{0} is accepted")
    @CsvSource({"-tls1_2, TLSv1.2", "-tls1_3, TLSv1.3"})
    void speaksTls12And13(String flag, String protocol) {
        assertThat(sClient("-servername", "app.example.test", flag).stdout()).contains("New, " + protocol + ", Cipher is ");
    }

    @Test
    void refusesTls11() {
        Processes.Result result = sClient("-servername", "app.example.test", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
        assertThat(result.stderr()).contains("alert protocol version");
        assertThat(result.stdout()).contains("Cipher is (NONE)");
    }

    @Test
    void countsHandshakesByProtocolAndPublishesCertificateExpiry() {
        sClient("-servername", "app.example.test", "-tls1_2");
        String metrics = dataPlane.server().metrics().scrape();
        assertThat(metrics).contains("portcullis_tls_handshakes_total{protocol=\"TLSv1.2\"}");
        assertThat(metrics).containsPattern("portcullis_ssl_expire_time_seconds\\{certificate=\"app\",host=\"app.example.test\"\\} \\d\\.\\d+E9");
        assertThat(metrics).contains("portcullis_ssl_expire_time_seconds{certificate=\"_default\",host=\"_default\"}");
        assertThat(metrics).containsPattern("portcullis_certificate_expiry_timestamp_seconds\\{host=\"app.example.test\",secret=\"app\"\\} \\d\\.\\d+E9");
    }

    private static Processes.Result sClient(String... options) {
        List<String> command = new java.util.ArrayList<>(List.of("openssl", "s_client", "-connect",
                "127.0.0.1:" + dataPlane.httpsPort(), "-CAfile", caFile.toString()));
        command.addAll(List.of(options));
        return Processes.run(command, "");
    }
}
