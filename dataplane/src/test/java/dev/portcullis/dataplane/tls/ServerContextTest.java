package dev.portcullis.dataplane.tls;

import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerContextTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("context CA", CertificateAuthority.KeyType.EC_P256);
    private static final IssuedCertificate APP = CA.issueServer(List.of("app.example.test"), CertificateAuthority.KeyType.EC_P256);

    @Test
    void nothingIsBuiltUntilAskedAndThenOnceForEveryoneAskingTogether() throws Exception {
        AtomicInteger builds = new AtomicInteger();
        CountDownLatch asking = new CountDownLatch(8);
        ServerContext context = new ServerContext("app", () -> {
            builds.incrementAndGet();
            return new ServerSslContexts().fromPem(APP.chainPem(), APP.privateKeyPem()).context();
        }, new SessionTicketKeys());
        assertThat(context.isBuilt()).isFalse();
        assertThat(context.builtOrNull()).isNull();
        assertThat(builds).hasValue(0);

        List<Callable<SslContext>> gets = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            gets.add(() -> {
                asking.countDown();
                asking.await();
                return context.get();
            });
        }
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            for (Future<SslContext> got : threads.invokeAll(gets)) {
                assertThat(got.get()).isSameAs(context.builtOrNull());
            }
        }
        assertThat(builds).hasValue(1);
        assertThat(context.isBuilt()).isTrue();
    }

    @Test
    void aFailedBuildIsNotTriedAgainAndSaysWhy() {
        AtomicInteger builds = new AtomicInteger();
        ServerContext context = new ServerContext("broken", () -> {
            builds.incrementAndGet();
            throw new InvalidCertificateException("cannot build a TLS context for CN=broken: SSLException");
        }, new SessionTicketKeys());
        assertThatThrownBy(context::get).hasMessageContaining("CN=broken");
        assertThatThrownBy(context::get).hasMessageContaining("CN=broken");
        assertThat(builds).hasValue(1);
        assertThat(context.isBuilt()).isFalse();
    }

    @Test
    void aWrappedContextBuildsWhatItWrapsWhenFirstAsked() {
        ServerSslContexts contexts = new ServerSslContexts();
        ServerContext base = contexts.fromPem(APP.chainPem(), APP.privateKeyPem()).tls();
        ServerContext stapled = base.wrapped(StapledSslContextProbe::new);
        assertThat(base.isBuilt()).isFalse();
        SslContext built = stapled.get();
        assertThat(built).isInstanceOf(StapledSslContextProbe.class);
        assertThat(base.isBuilt()).isTrue();
        assertThat(((StapledSslContextProbe) built).wrapped).isSameAs(base.builtOrNull());
    }

    /** Marks what {@link ServerContext#wrapped} built: a delegate, as a stapling context is. */
    private static final class StapledSslContextProbe extends io.netty.handler.ssl.DelegatingSslContext {
        final SslContext wrapped;

        StapledSslContextProbe(SslContext wrapped) {
            super(wrapped);
            this.wrapped = wrapped;
        }

        @Override
        protected void initEngine(javax.net.ssl.SSLEngine engine) {
        }
    }
}
