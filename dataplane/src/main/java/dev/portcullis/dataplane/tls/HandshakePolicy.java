package dev.portcullis.dataplane.tls;

import dev.portcullis.dataplane.config.ClientAuth;
import dev.portcullis.dataplane.config.ListenerSettings;
import dev.portcullis.dataplane.config.TlsPolicy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Everything a server SslContext is built from besides its certificate: the lowest TLS version,
 * the TLS 1.2 suites (IANA names, in order) and client-certificate authentication. Two hosts with
 * the same certificate and an equal policy share one context, and one connection may carry
 * requests for both (HTTP/2 connection coalescing).
 */
public record HandshakePolicy(String minTlsVersion, List<String> tls12Ciphers, ClientAuth clientAuth) {

    /** Mozilla's intermediate TLS 1.2 suites (ServerSslContexts.CIPHERS without the 1.3 ones). */
    public static final List<String> DEFAULT_TLS12_CIPHERS = List.copyOf(ServerSslContexts.CIPHERS.stream()
            .filter(name -> !name.startsWith("TLS_AES_") && !name.startsWith("TLS_CHACHA20_")).toList());

    public HandshakePolicy {
        // A list copyOf keeps as it is (not Stream.toList's, which allows nulls): policies built from the same
        // list share it, and equals, asked per certificate per configuration, ends at its identity check.
        tls12Ciphers = List.copyOf(tls12Ciphers);
    }

    public static HandshakePolicy defaults(String minTlsVersion) {
        return new HandshakePolicy(minTlsVersion, DEFAULT_TLS12_CIPHERS, null);
    }

    /** The listener's policy, with what a host sets of its own in place of the listener's. */
    public static HandshakePolicy of(ListenerSettings listener, TlsPolicy host) {
        String minTls = host != null && host.minTlsVersion() != null ? host.minTlsVersion() : listener.minTlsVersion();
        List<String> ciphers = host != null && host.ciphers() != null ? host.ciphers()
                : listener.ciphers() != null ? listener.ciphers() : DEFAULT_TLS12_CIPHERS;
        return new HandshakePolicy(minTls, ciphers, host == null ? null : host.clientAuth());
    }

    /** This policy with the listener's lowest version (what a kept certificate is rebuilt with). */
    public HandshakePolicy withMinTlsVersion(String version) {
        return new HandshakePolicy(version, tls12Ciphers, clientAuth);
    }

    /** A short, stable key of the policy for the context cache (the CA bundle enters as a digest). */
    public String cacheKey() {
        return minTlsVersion + "|" + String.join(",", tls12Ciphers) + "|" + (clientAuth == null ? "-" : digest(clientAuth));
    }

    private static String digest(ClientAuth clientAuth) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update((clientAuth.mode() + "|" + clientAuth.depth() + "|" + clientAuth.passCertificate() + "|"
                    + clientAuth.errorPage() + "|" + clientAuth.caPem() + "|" + clientAuth.crlPem()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha256.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
