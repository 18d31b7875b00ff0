package dev.portcullis.dataplane.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.CertificateSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.PresetKeyMaterial;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;

import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes server SslContexts (TLS 1.2 and 1.3 only, or 1.3 only when the snapshot's listener says so;
 * the {@link #CIPHERS} of Mozilla's intermediate profile; OpenSSL when available, the JDK otherwise),
 * each built when a handshake first needs it ({@link ServerContext}), and keeps them by certificate
 * content and handshake policy, so a snapshot that leaves both unchanged reuses its context.
 *
 * <p>With OpenSSL, certificates with an equal handshake policy share one native context, which
 * holds the policy's session cache and ticket keys; each certificate's context is that one with the
 * certificate's key material and session id context given to every engine
 * ({@link CertificateSslContext}). A native context per certificate cost about 16 KiB of RSS and
 * 2 KiB of heap each: about 180 MiB at 10,000 hosts.
 */
public final class ServerSslContexts {

    public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    /**
     * Mozilla's "intermediate" server configuration: every TLS 1.3 suite, and for TLS 1.2 only
     * ephemeral ECDH with an AEAD cipher (AES-GCM, ChaCha20-Poly1305), ECDSA and RSA certificates
     * alike. No CBC, no static RSA key exchange, no finite-field DHE, no SHA-1 MACs. Names are IANA's
     * (Netty maps them to OpenSSL's); the order is the server's preference.
     */
    public static final java.util.List<String> CIPHERS = java.util.List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private static final ApplicationProtocolConfig ALPN = new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);

    private static final TrustManagerFactory TRUST_NOTHING = trustNothing();

    /**
     * A served certificate: its context and what it was built from (for expiry and names).
     *
     * @param contentKey     the cache key: the certificate's content and the policy
     * @param certificateKey the certificate's content alone
     * @param verifier       checks client certificates when the policy asks for them, else {@code null}
     * @param sessions       the context whose sessions and ticket keys it uses: its policy's shared
     *                       context, or {@code tls} itself when it has a native context of its own
     */
    public record ServedCertificate(String contentKey, ServerContext tls, KeyMaterial keyMaterial, String certificateKey,
                                    HandshakePolicy policy, ClientCertificateVerifier verifier, ServerContext sessions) {

        /** The TLS context, built now if no handshake has needed it yet. */
        public SslContext context() {
            return tls.get();
        }
    }

    private final SslProvider provider;
    /** Whether certificates share their policy's context (OpenSSL lets a key manager leave the key to the engine). */
    private final boolean sharedByPolicy;
    private final Map<String, ServedCertificate> byContent = new ConcurrentHashMap<>();
    private final Map<String, ServerContext> byPolicy = new ConcurrentHashMap<>();
    private final SessionTicketKeys ticketKeys = new SessionTicketKeys();

    public ServerSslContexts() {
        this(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK);
    }

    public ServerSslContexts(SslProvider provider) {
        this.provider = provider;
        this.sharedByPolicy = provider != SslProvider.JDK && PresetKeyMaterial.supported();
    }

    public SslProvider provider() {
        return provider;
    }

    /** The session ticket keys of the contexts built here (and of those to be built). */
    public SessionTicketKeys ticketKeys() {
        return ticketKeys;
    }

    /** As {@link #fromPem(String, String, String)} with TLS 1.2 and 1.3 offered. */
    public ServedCertificate fromPem(String certificateChainPem, String privateKeyPem) {
        return fromPem(certificateChainPem, privateKeyPem, "1.2");
    }

    /** As {@link #fromPem(String, String, HandshakePolicy)} with the default suites and no client authentication. */
    public ServedCertificate fromPem(String certificateChainPem, String privateKeyPem, String minTlsVersion) {
        return fromPem(certificateChainPem, privateKeyPem, HandshakePolicy.defaults(minTlsVersion));
    }

    /**
     * Parses and builds, or returns the context already built for exactly this chain, key and
     * policy (minimum version "1.3" offers TLS 1.3 only; "1.2" offers 1.2 and 1.3).
     */
    public ServedCertificate fromPem(String certificateChainPem, String privateKeyPem, HandshakePolicy policy) {
        String certificateKey = contentKey(certificateChainPem, privateKeyPem);
        ServedCertificate cached = byContent.get(certificateKey + "/" + policy.cacheKey());
        if (cached != null) {
            return cached;
        }
        return fromKeyMaterial(certificateKey, PemParser.parse(certificateChainPem, privateKeyPem), policy);
    }

    public ServedCertificate fromKeyMaterial(String contentKey, KeyMaterial material) {
        return fromKeyMaterial(contentKey, material, "1.2");
    }

    public ServedCertificate fromKeyMaterial(String contentKey, KeyMaterial material, String minTlsVersion) {
        return fromKeyMaterial(contentKey, material, HandshakePolicy.defaults(minTlsVersion));
    }

    public ServedCertificate fromKeyMaterial(String certificateKey, KeyMaterial parsed, HandshakePolicy policy) {
        return byContent.computeIfAbsent(certificateKey + "/" + policy.cacheKey(), key -> {
            KeyMaterial material = parsed.compact(); // kept for every certificate served: encodings only
            ClientCertificateVerifier verifier = policy.clientAuth() == null ? null : ClientCertificateVerifier.of(policy.clientAuth());
            if (!sharedByPolicy) {
                ServerContext own = new ServerContext(key, () -> build(material, policy, verifier), ticketKeys);
                return new ServedCertificate(key, own, material, certificateKey, policy, verifier, own);
            }
            ServerContext shared = byPolicy.computeIfAbsent(policy.cacheKey(),
                    policyKey -> new ServerContext(policyKey, () -> buildShared(policy, verifier), ticketKeys));
            ServerContext tls = new ServerContext(key,
                    () -> CertificateSslContext.of(shared.get(), presetKeys(material), SessionTickets.sessionIdContext(key)), null);
            return new ServedCertificate(key, tls, material, certificateKey, policy, verifier, shared);
        });
    }

    /**
     * The same certificate under another policy: itself when it was built with it, else a context
     * built from its key material (cached like the others).
     */
    public ServedCertificate withPolicy(ServedCertificate served, HandshakePolicy policy) {
        return served.policy().equals(policy) ? served : fromKeyMaterial(served.certificateKey(), served.keyMaterial(), policy);
    }

    /** The same certificate for another minimum TLS version, its other settings kept. */
    public ServedCertificate forMinTlsVersion(ServedCertificate served, String minTlsVersion) {
        return withPolicy(served, served.policy().withMinTlsVersion(minTlsVersion));
    }

    /** Forgets contexts that the current configuration no longer uses. */
    public void retainOnly(Set<String> contentKeys) {
        if (byContent.keySet().retainAll(contentKeys) && !byPolicy.isEmpty()) {
            // A shared context's key is its policy's; asking each policy for its key would build 10,000 strings.
            Set<String> policies = new java.util.HashSet<>();
            byContent.values().forEach(served -> policies.add(served.sessions().contentKey()));
            byPolicy.keySet().retainAll(policies);
        }
    }

    public int size() {
        return byContent.size();
    }

    /**
     * The policy's settings. Clients are not asked for certificates unless the policy says so: the
     * context then trusts nothing rather than loading and converting the JDK's whole CA bundle (about
     * 18 ms per context together with a PKCS#12 key store's PBKDF2, which {@link #build}'s JKS avoids).
     */
    /** A context of its own (the JDK provider): a JKS key store, as PKCS#12's runs PBKDF2 twice per context. */
    private SslContext build(KeyMaterial material, HandshakePolicy policy, ClientCertificateVerifier verifier) {
        try {
            return configured(SslContextBuilder.forServer(material.privateKey(), material.chain()).keyStoreType("JKS"),
                    policy, verifier).build();
        } catch (SSLException | RuntimeException e) {
            throw new InvalidCertificateException("cannot build a TLS context for " + material.leaf().getSubjectX500Principal()
                    + ": " + e.getClass().getSimpleName());
        }
    }

    /** The context every certificate with this policy shares: it has no key material of its own. */
    private SslContext buildShared(HandshakePolicy policy, ClientCertificateVerifier verifier) {
        try {
            return configured(SslContextBuilder.forServer(PresetKeyMaterial.presetOnEngines()), policy, verifier).build();
        } catch (SSLException | RuntimeException e) {
            throw new InvalidCertificateException("cannot build a TLS context for the handshake policy " + policy.cacheKey()
                    + ": " + e.getClass().getSimpleName());
        }
    }

    /** The certificate's chain and key in BoringSSL's form, for the engines of its shared context. */
    private static PresetKeyMaterial presetKeys(KeyMaterial material) {
        byte[] privateKeyPem = material.privateKeyPem();
        try {
            return PresetKeyMaterial.ofPem(material.chainPem(), privateKeyPem);
        } catch (SSLException | RuntimeException e) {
            throw new InvalidCertificateException("cannot use the key of " + material.leaf().getSubjectX500Principal()
                    + " with OpenSSL: " + e.getClass().getSimpleName());
        } finally {
            java.util.Arrays.fill(privateKeyPem, (byte) 0);
        }
    }

    /**
     * The policy's settings. Clients are not asked for certificates unless the policy says so: the
     * context then trusts nothing rather than loading and converting the JDK's whole CA bundle (about
     * 18 ms per context together with a PKCS#12 key store's PBKDF2, which {@link #build}'s JKS avoids).
     */
    private SslContextBuilder configured(SslContextBuilder builder, HandshakePolicy policy, ClientCertificateVerifier verifier) {
        builder.sslProvider(provider)
                .protocols("1.3".equals(policy.minTlsVersion()) ? new String[]{"TLSv1.3"} : PROTOCOLS)
                .ciphers(ciphers(policy), SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(ALPN)
                // Lets StapledSslContext staple the operator's OCSP responses (OpenSSL only).
                .enableOcsp(provider != SslProvider.JDK && StapledSslContext.supported());
        if (verifier == null) {
            return builder.trustManager(TRUST_NOTHING);
        }
        return builder.trustManager(new AskingTrustManager(verifier.acceptedIssuers()))
                .clientAuth(io.netty.handler.ssl.ClientAuth.OPTIONAL);
    }

    /** Every TLS 1.3 suite, then the policy's TLS 1.2 ones. */
    private static java.util.List<String> ciphers(HandshakePolicy policy) {
        java.util.List<String> ciphers = new java.util.ArrayList<>(CIPHERS.subList(0, 3));
        ciphers.addAll(policy.tls12Ciphers());
        return ciphers;
    }

    private static TrustManagerFactory trustNothing() {
        try {
            KeyStore empty = KeyStore.getInstance("JKS");
            empty.load(null, null);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(empty);
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot create an empty trust store", e);
        }
    }

    private static String contentKey(String chainPem, String keyPem) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(String.valueOf(chainPem).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(String.valueOf(keyPem).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
