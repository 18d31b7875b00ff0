package dev.portcullis.dataplane.tls;

import dev.portcullis.dataplane.config.UpstreamTls;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import javax.net.ssl.SSLException;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Client SslContexts for re-encryption to endpoints: trust the given CA (or the JDK's defaults),
 * verify the endpoint's name (HTTPS rules) unless verification is off, and present a client
 * certificate when one is configured. Kept by content across snapshots, like server contexts.
 */
public final class UpstreamSslContexts {

    private record Key(UpstreamTls tls, String clientChainPem, String clientKeyPem, boolean http2) {
        @Override
        public String toString() {
            return "Key[" + tls + "]";
        }
    }

    private final SslProvider provider;
    private final Map<Key, SslContext> byContent = new ConcurrentHashMap<>();

    public UpstreamSslContexts() {
        this.provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /** The context for these settings; {@code clientChainPem}/{@code clientKeyPem} are null without a client certificate. */
    public SslContext get(UpstreamTls tls, String clientChainPem, String clientKeyPem) {
        return get(tls, clientChainPem, clientKeyPem, false);
    }

    /**
     * As {@link #get(UpstreamTls, String, String)}; with {@code http2} the context offers only
     * {@code h2} by ALPN (the connection is refused by the proxy unless the endpoint picks it).
     */
    public SslContext get(UpstreamTls tls, String clientChainPem, String clientKeyPem, boolean http2) {
        return byContent.computeIfAbsent(new Key(tls, clientChainPem, clientKeyPem, http2), this::build);
    }

    /** Forgets contexts not in use (call after a snapshot is applied). */
    public void retainOnly(Set<SslContext> inUse) {
        byContent.values().removeIf(context -> !inUse.contains(context));
    }

    private SslContext build(Key key) {
        UpstreamTls tls = key.tls();
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(provider)
                .protocols(ServerSslContexts.PROTOCOLS);
        if (!tls.verify()) {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
        } else {
            builder.endpointIdentificationAlgorithm("HTTPS");
            if (tls.trustedCaPem() != null) {
                builder.trustManager(PemParser.certificates(tls.trustedCaPem()));
            }
        }
        if (key.http2()) {
            builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2));
        }
        if (key.clientChainPem() != null) {
            KeyMaterial client = PemParser.parse(key.clientChainPem(), Objects.requireNonNull(key.clientKeyPem()));
            builder.keyManager(client.privateKey(), client.chain());
        }
        try {
            return builder.build();
        } catch (SSLException | RuntimeException e) {
            throw new InvalidCertificateException("cannot build upstream TLS for " + tls.serverName() + ": "
                    + e.getClass().getSimpleName());
        }
    }
}
