package dev.portcullis.dataplane.tls;

import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Both TLS providers build working server contexts; in-memory handshakes through EmbeddedChannels. */
class ServerSslContextsTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("contexts CA", KeyType.EC_P256);

    @ParameterizedTest(name = "{0} provider, {1} key")
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void handshakesWithEitherProvider(SslProvider provider) throws Exception {
        for (KeyType keyType : List.of(KeyType.EC_P256, KeyType.RSA_2048)) {
            IssuedCertificate issued = CA.issueServer(List.of("app.example.test"), keyType);
            SslContext server = new ServerSslContexts(provider).fromPem(issued.chainPem(), issued.privateKeyPem()).context();
            SslContext client = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .trustManager(CA.certificate()).build();
            assertThat(handshake(server, client)).isIn("TLSv1.3", "TLSv1.2");
        }
    }

    /**
     * Mozilla intermediate: a TLS 1.2 client gets ECDHE with AES-GCM or ChaCha20-Poly1305 for ECDSA
     * and RSA certificates alike, from either provider.
     */
    @ParameterizedTest(name = "{0} provider")
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void tls12OffersEcdheAeadSuites(SslProvider provider) throws Exception {
        for (KeyType keyType : List.of(KeyType.EC_P256, KeyType.RSA_2048)) {
            String auth = keyType == KeyType.EC_P256 ? "ECDSA" : "RSA";
            IssuedCertificate issued = CA.issueServer(List.of("app.example.test"), keyType);
            SslContext server = new ServerSslContexts(provider).fromPem(issued.chainPem(), issued.privateKeyPem()).context();
            for (String suite : List.of("TLS_ECDHE_" + auth + "_WITH_AES_128_GCM_SHA256",
                    "TLS_ECDHE_" + auth + "_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_" + auth + "_WITH_CHACHA20_POLY1305_SHA256")) {
                assertThat(handshakeWith(server, "TLSv1.2", suite)).as(keyType + " " + suite).isEqualTo(suite);
            }
        }
    }

    /** CBC, static RSA key exchange and finite-field DHE are refused: a client offering only them fails. */
    @ParameterizedTest(name = "{0} provider")
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void tls12RefusesCbcAndStaticRsa(SslProvider provider) throws Exception {
        for (KeyType keyType : List.of(KeyType.EC_P256, KeyType.RSA_2048)) {
            IssuedCertificate issued = CA.issueServer(List.of("app.example.test"), keyType);
            SslContext server = new ServerSslContexts(provider).fromPem(issued.chainPem(), issued.privateKeyPem()).context();
            for (String suite : List.of("TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA256",
                    "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
                    "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256")) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> handshakeWith(server, "TLSv1.2", suite))
                        .as(keyType + " " + suite).isInstanceOf(Throwable.class);
            }
        }
    }

    @ParameterizedTest(name = "{0} provider")
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void tls13OffersEverySuite(SslProvider provider) throws Exception {
        IssuedCertificate issued = CA.issueServer(List.of("app.example.test"), KeyType.EC_P256);
        SslContext server = new ServerSslContexts(provider).fromPem(issued.chainPem(), issued.privateKeyPem()).context();
        for (String suite : List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256")) {
            assertThat(handshakeWith(server, "TLSv1.3", suite)).isEqualTo(suite);
        }
    }

    @Test
    void minimumTls13RefusesTls12Clients() throws Exception {
        IssuedCertificate issued = CA.issueServer(List.of("app.example.test"), KeyType.EC_P256);
        SslContext strict = new ServerSslContexts().fromPem(issued.chainPem(), issued.privateKeyPem(), "1.3").context();
        SslContext tls12Client = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols("TLSv1.2")
                .trustManager(CA.certificate()).build();
        SslContext anyClient = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(CA.certificate()).build();
        assertThat(handshake(strict, anyClient)).isEqualTo("TLSv1.3");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> handshake(strict, tls12Client)).isInstanceOf(Throwable.class);
    }

    @Test
    void sameContentIsBuiltOnce() {
        ServerSslContexts contexts = new ServerSslContexts();
        IssuedCertificate issued = CA.issueServer(List.of("app.example.test"), KeyType.EC_P256);
        var first = contexts.fromPem(issued.chainPem(), issued.privateKeyPem());
        var again = contexts.fromPem(issued.chainPem(), issued.privateKeyPem());
        assertThat(again.context()).isSameAs(first.context());
        contexts.retainOnly(java.util.Set.of());
        assertThat(contexts.fromPem(issued.chainPem(), issued.privateKeyPem()).context()).isNotSameAs(first.context());
    }

    @Test
    void aContextNoLongerInUseIsDroppedAndOnesInUseStay() {
        ServerSslContexts contexts = new ServerSslContexts();
        IssuedCertificate a = CA.issueServer(List.of("a.example.test"), KeyType.EC_P256);
        IssuedCertificate b = CA.issueServer(List.of("b.example.test"), KeyType.EC_P256);
        var servedA = contexts.fromPem(a.chainPem(), a.privateKeyPem());
        var servedB = contexts.fromPem(b.chainPem(), b.privateKeyPem());
        contexts.retainOnly(java.util.Set.of(servedA.contentKey(), servedB.contentKey()));
        assertThat(contexts.size()).as("both in use").isEqualTo(2);
        // B renewed: its new certificate replaces it in use.
        IssuedCertificate renewed = CA.issueServer(List.of("b.example.test"), KeyType.EC_P256);
        var servedRenewed = contexts.fromPem(renewed.chainPem(), renewed.privateKeyPem());
        contexts.retainOnly(java.util.Set.of(servedA.contentKey(), servedRenewed.contentKey()));
        assertThat(contexts.size()).isEqualTo(2);
        assertThat(contexts.fromPem(a.chainPem(), a.privateKeyPem())).isSameAs(servedA);
        assertThat(contexts.fromPem(b.chainPem(), b.privateKeyPem())).as("built again: dropped").isNotSameAs(servedB);
    }

    /**
     * With OpenSSL the certificates of one handshake policy share one native context, which holds
     * their sessions; each handshake still presents its own certificate, ECDSA or RSA. The shared
     * context goes when no certificate of its policy is in use.
     */
    @Test
    void certificatesOfOnePolicyShareOneNativeContextAndEachPresentsItsOwn() throws Exception {
        ServerSslContexts contexts = new ServerSslContexts(SslProvider.OPENSSL);
        IssuedCertificate ecdsa = CA.issueServer(List.of("app.example.test"), KeyType.EC_P256);
        IssuedCertificate rsa = CA.issueServer(List.of("app.example.test"), KeyType.RSA_2048);
        var servedEcdsa = contexts.fromPem(ecdsa.chainPem(), ecdsa.privateKeyPem());
        var servedRsa = contexts.fromPem(rsa.chainPem(), rsa.privateKeyPem());
        var strict = contexts.fromPem(ecdsa.chainPem(), ecdsa.privateKeyPem(), "1.3");

        assertThat(servedRsa.sessions()).isSameAs(servedEcdsa.sessions());
        assertThat(strict.sessions()).as("another policy").isNotSameAs(servedEcdsa.sessions());
        assertThat(presented(servedEcdsa.context())).isEqualTo(ecdsa.leaf());
        assertThat(presented(servedRsa.context())).isEqualTo(rsa.leaf());
        assertThat(presented(strict.context())).isEqualTo(ecdsa.leaf());
        assertThat(presented(servedEcdsa.context())).as("again, after the RSA one").isEqualTo(ecdsa.leaf());

        contexts.retainOnly(java.util.Set.of(strict.contentKey()));
        assertThat(contexts.fromPem(rsa.chainPem(), rsa.privateKeyPem()).sessions())
                .as("built again: its policy's context was dropped").isNotSameAs(servedRsa.sessions());
    }

    /** Handshakes with a JDK client offering one protocol and one suite; returns the suite the server chose. */
    private static String handshakeWith(SslContext server, String protocol, String suite) throws Exception {
        SslContext client = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols(protocol)
                .ciphers(List.of(suite)).trustManager(CA.certificate()).build();
        EmbeddedChannel serverChannel = new EmbeddedChannel(server.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT));
        EmbeddedChannel clientChannel = new EmbeddedChannel(
                client.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT, "app.example.test", 443));
        try {
            for (int round = 0; round < 20 && !(done(serverChannel) && done(clientChannel)); round++) {
                shuttle(clientChannel, serverChannel);
                shuttle(serverChannel, clientChannel);
            }
            assertThat(done(serverChannel) && done(clientChannel)).as("handshake completed").isTrue();
            return clientChannel.pipeline().get(SslHandler.class).engine().getSession().getCipherSuite();
        } finally {
            clientChannel.finishAndReleaseAll();
            serverChannel.finishAndReleaseAll();
        }
    }

    private static String handshake(SslContext serverContext, SslContext clientContext) {
        return afterHandshake(serverContext, clientContext, (server, client) -> server.engine().getSession().getProtocol());
    }

    /** The certificate the server presented to a JDK client. */
    private static java.security.cert.Certificate presented(SslContext serverContext) throws Exception {
        SslContext clientContext = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(CA.certificate()).build();
        return afterHandshake(serverContext, clientContext, (server, client) -> client.engine().getSession().getPeerCertificates()[0]);
    }

    private interface HandshakeResult<T> {
        T of(SslHandler server, SslHandler client) throws Exception;
    }

    private static <T> T afterHandshake(SslContext serverContext, SslContext clientContext, HandshakeResult<T> result) {
        EmbeddedChannel server = new EmbeddedChannel(serverContext.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT));
        EmbeddedChannel client = new EmbeddedChannel(
                clientContext.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT, "app.example.test", 443));
        try {
            for (int round = 0; round < 20 && !(done(server) && done(client)); round++) {
                shuttle(client, server);
                shuttle(server, client);
            }
            assertThat(done(server) && done(client)).as("handshake completed").isTrue();
            return result.of(server.pipeline().get(SslHandler.class), client.pipeline().get(SslHandler.class));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            client.finishAndReleaseAll();
            server.finishAndReleaseAll();
        }
    }

    private static boolean done(EmbeddedChannel channel) {
        var promise = channel.pipeline().get(SslHandler.class).handshakeFuture();
        return promise.isDone() && promise.isSuccess();
    }

    private static void shuttle(EmbeddedChannel from, EmbeddedChannel to) {
        ByteBuf bytes;
        while ((bytes = from.readOutbound()) != null) {
            to.writeInbound(bytes);
        }
        to.runPendingTasks();
    }
}
