package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.tls.ClientCertificate;
import dev.portcullis.dataplane.tls.ClientCertificateVerifier;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/**
 * The client certificate of a TLS connection whose host asks for one: the verifier is recorded
 * when the handshake starts, the verdict once it completes, and every request on the connection
 * (every stream of an HTTP/2 one) reads that verdict.
 */
public final class ClientCertificateOf {

    private static final AttributeKey<ClientCertificateVerifier> VERIFIER = AttributeKey.valueOf("portcullis.client-auth");
    private static final AttributeKey<ClientCertificate> VERDICT = AttributeKey.valueOf("portcullis.client-certificate");

    private ClientCertificateOf() {
    }

    public static void expect(Channel connection, ClientCertificateVerifier verifier) {
        connection.attr(VERIFIER).set(verifier);
    }

    /** Checks what the client showed in the handshake just completed, when its host asked for a certificate. */
    public static void handshakeCompleted(Channel connection, SSLEngine engine) {
        ClientCertificateVerifier verifier = connection.attr(VERIFIER).getAndSet(null);
        if (verifier == null) {
            return;
        }
        X509Certificate[] chain;
        try {
            Certificate[] shown = engine.getSession().getPeerCertificates();
            chain = new X509Certificate[shown.length];
            for (int i = 0; i < shown.length; i++) {
                chain[i] = (X509Certificate) shown[i];
            }
        } catch (SSLPeerUnverifiedException | ClassCastException none) {
            chain = null;
        }
        connection.attr(VERDICT).set(verifier.verify(chain));
    }

    /** The verdict for this connection (or the HTTP/2 connection of this stream); NONE when nothing was asked. */
    public static ClientCertificate of(Channel channel) {
        ClientCertificate verdict = channel.attr(VERDICT).get();
        if (verdict == null && channel.parent() != null) {
            verdict = channel.parent().attr(VERDICT).get();
        }
        return verdict == null ? ClientCertificate.NONE : verdict;
    }
}
