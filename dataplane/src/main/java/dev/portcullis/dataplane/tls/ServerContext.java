package dev.portcullis.dataplane.tls;

import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A server TLS context built when a handshake first needs it rather than when its snapshot is
 * applied. A snapshot's certificates are parsed and checked when it is applied (a bad one is refused
 * then); only the OpenSSL side waits: a handshake policy's shared context, and each certificate's
 * key material in BoringSSL's form (about 4 KiB), spent only for hosts that are asked for, as
 * ingress-nginx's certificates loaded per handshake are.
 *
 * <p>Built once. Building takes the lock of the {@link SessionTicketKeys} it was made with and gives
 * the context the keys current then, so a context built while the keys rotate gets the new ones. A
 * failure is kept and thrown again: a handshake for its hosts fails, the snapshot's others do not.
 */
public final class ServerContext {

    private static final Logger LOG = LoggerFactory.getLogger(ServerContext.class);

    private final String contentKey;
    private final Supplier<SslContext> builder;
    private final SessionTicketKeys ticketKeys;
    private volatile SslContext built;
    private volatile RuntimeException failure;

    ServerContext(String contentKey, Supplier<SslContext> builder, SessionTicketKeys ticketKeys) {
        this.contentKey = contentKey;
        this.builder = builder;
        this.ticketKeys = ticketKeys;
    }

    /** {@code wrap} applied to this context when it is built: the same certificate, served another way. */
    public ServerContext wrapped(UnaryOperator<SslContext> wrap) {
        return new ServerContext(contentKey, () -> wrap.apply(get()), null);
    }

    /** The content key of what it serves (certificate and handshake policy). */
    public String contentKey() {
        return contentKey;
    }

    public boolean isBuilt() {
        return built != null;
    }

    /** The context if it was built, else null: nothing is built by asking. */
    public SslContext builtOrNull() {
        return built;
    }

    /** The context, built now if it was not; throws {@link InvalidCertificateException} if it cannot be. */
    public SslContext get() {
        SslContext context = built;
        if (context != null) {
            return context;
        }
        if (ticketKeys == null) {
            synchronized (this) {
                return build();
            }
        }
        synchronized (ticketKeys) {
            return build();
        }
    }

    private SslContext build() {
        if (built != null) {
            return built;
        }
        if (failure != null) {
            throw failure;
        }
        try {
            SslContext context = builder.get();
            if (ticketKeys != null) {
                ticketKeys.giveTo(contentKey, context);
            }
            built = context;
            return context;
        } catch (RuntimeException e) {
            // Once: the handshakes that needed it fail from now on without a word each.
            // (Not the content key: it is a digest of the private key.)
            LOG.error("{}; the handshakes that need this TLS context fail", e.getMessage());
            failure = e;
            throw e;
        }
    }
}
