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
        for (KeyType keyType : KeyType.values()) {
            IssuedCertificate issued = CA.issueServer(List.of("app.example.test"), keyType);
            SslContext server = new ServerSslContexts(provider).fromPem(issued.chainPem(), issued.privateKeyPem()).context();
            SslContext client = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .trustManager(CA.certificate()).build();
            assertThat(handshake(server, client)).isIn("TLSv1.3", "TLSv1.2");
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

    private static String handshake(SslContext serverContext, SslContext clientContext) {
        EmbeddedChannel server = new EmbeddedChannel(serverContext.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT));
        EmbeddedChannel client = new EmbeddedChannel(
                clientContext.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT, "app.example.test", 443));
        try {
            for (int round = 0; round < 20 && !(done(server) && done(client)); round++) {
                shuttle(client, server);
                shuttle(server, client);
            }
            assertThat(done(server) && done(client)).as("handshake completed").isTrue();
            return server.pipeline().get(SslHandler.class).engine().getSession().getProtocol();
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
