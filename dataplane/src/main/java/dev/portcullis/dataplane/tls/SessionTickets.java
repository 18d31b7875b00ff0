package dev.portcullis.dataplane.tls;

import dev.portcullis.dataplane.config.SessionTicketKey;
import io.netty.handler.ssl.OpenSslServerSessionContext;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;

/**
 * Puts the snapshot's session ticket keys into every server context served, so that a ticket one
 * data plane (or this one before a restart) issued resumes here, in TLS 1.2 and 1.3 alike (BoringSSL
 * seals both with the same keys: the first seals, every one opens, and a ticket opened with an
 * older key is renewed). Contexts reused from the cache get the keys too: keys rotate while
 * certificates stay.
 *
 * <p>Each context also gets a session id context derived from what it serves (its content key):
 * replicas serving the same certificate agree on it, so they resume each other's sessions, while a
 * ticket issued for one certificate (or one client-certificate policy) is never resumed by a
 * context serving another. With OpenSSL the contexts that hold the keys are one per handshake
 * policy, and each certificate's engines are created with the certificate's own session id context
 * ({@link io.netty.handler.ssl.CertificateSslContext}): the same rule, per engine.
 *
 * <p>With no keys in the snapshot nothing is set: each context keeps BoringSSL's own behaviour. The
 * JDK provider (without OpenSSL) has no ticket key API; its contexts are left as they are.
 */
public final class SessionTickets {

    /** BoringSSL's limit on a session id context (SSL_MAX_SID_CTX_LENGTH). */
    private static final int SESSION_ID_CONTEXT_BYTES = 32;

    private SessionTickets() {
    }

    /**
     * Applies {@code keys} (newest first) to each context, keyed by its content key; returns how many
     * keys the contexts now hold (0 when the keys are empty or the provider is not OpenSSL).
     */
    public static int apply(List<SessionTicketKey> keys, Map<String, SslContext> contextsByContentKey) {
        if (keys.isEmpty()) {
            return 0;
        }
        OpenSslSessionTicketKey[] ticketKeys = keys.stream()
                .map(key -> new OpenSslSessionTicketKey(key.name(), key.hmacKey(), key.aesKey()))
                .toArray(OpenSslSessionTicketKey[]::new);
        boolean applied = false;
        for (Map.Entry<String, SslContext> entry : contextsByContentKey.entrySet()) {
            if (entry.getValue().sessionContext() instanceof OpenSslSessionContext sessions) {
                if (sessions instanceof OpenSslServerSessionContext server) {
                    server.setSessionIdContext(sessionIdContext(entry.getKey()));
                }
                sessions.setTicketKeys(ticketKeys);
                applied = true;
            }
        }
        return applied ? ticketKeys.length : 0;
    }

    /** The session id context of what a content key names: replicas serving the same get the same. */
    public static byte[] sessionIdContext(String contentKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(contentKey.getBytes(StandardCharsets.UTF_8));
            return java.util.Arrays.copyOf(digest, SESSION_ID_CONTEXT_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
