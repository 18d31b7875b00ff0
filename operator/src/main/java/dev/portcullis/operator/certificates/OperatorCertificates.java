package dev.portcullis.operator.certificates;

import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.dataplane.tls.PemParser;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The operator's own CA, kept in a Secret of its namespace (created on first start, shared by all
 * replicas), and what it issues: the channel's serving certificate (in memory) and the client
 * certificate Secret that data planes mount. Both are renewed once two thirds of their life has
 * passed.
 */
public final class OperatorCertificates {

    public static final String CA_SECRET = "portcullis-operator-ca";
    /**
     * Where the data planes' client certificate is issued; each DataPlane gets a copy named
     * {@code <name>-dataplane-client}, a pattern this name must never match (a DataPlane named
     * "portcullis" in the operator's namespace would otherwise own, and take down, the original).
     */
    public static final String CLIENT_SECRET = "portcullis-operator-client-cert";
    static final Duration LIFETIME = Duration.ofDays(90);

    private static final Logger LOG = LoggerFactory.getLogger(OperatorCertificates.class);

    private final KubernetesClient client;
    private final String namespace;
    private final List<String> serverNames;
    private final Clock clock;
    private final CertificateAuthority ca;
    private volatile IssuedCertificate serving;

    private OperatorCertificates(KubernetesClient client, String namespace, List<String> serverNames, Clock clock,
                                 CertificateAuthority ca) {
        this.client = client;
        this.namespace = namespace;
        this.serverNames = List.copyOf(serverNames);
        this.clock = clock;
        this.ca = ca;
    }

    public static OperatorCertificates loadOrCreate(KubernetesClient client, String namespace, List<String> serverNames,
                                                    Clock clock) {
        OperatorCertificates certificates = new OperatorCertificates(client, namespace, serverNames, clock,
                loadOrCreateCa(client, namespace));
        certificates.renewIfDue();
        return certificates;
    }

    private static CertificateAuthority loadOrCreateCa(KubernetesClient client, String namespace) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Secret existing = client.secrets().inNamespace(namespace).withName(CA_SECRET).get();
            if (existing != null) {
                return CertificateAuthority.fromPem(decode(existing, "ca.crt"), decode(existing, "ca.key"));
            }
            CertificateAuthority created = CertificateAuthority.create("Portcullis operator CA", KeyType.EC_P256);
            try {
                client.secrets().inNamespace(namespace).resource(new SecretBuilder()
                        .withNewMetadata().withName(CA_SECRET).withNamespace(namespace).endMetadata()
                        .withType("Opaque")
                        .withData(Map.of("ca.crt", encode(created.certificatePem()), "ca.key", encode(created.privateKeyPem())))
                        .build()).create();
                LOG.info("created the operator CA in secret {}/{}", namespace, CA_SECRET);
                return created;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                // Another replica created it first: read theirs.
            }
        }
        throw new IllegalStateException("cannot create or read secret " + namespace + "/" + CA_SECRET);
    }

    /** Issues what is missing or past two thirds of its life; true when the serving certificate changed. */
    public synchronized boolean renewIfDue() {
        Secret clientSecret = client.secrets().inNamespace(namespace).withName(CLIENT_SECRET).get();
        if (clientSecret == null || due(PemParser.certificates(decode(clientSecret, "tls.crt")).getFirst())) {
            IssuedCertificate dataPlane = issue(List.of("portcullis-dataplane"), KeyPurposeId.id_kp_clientAuth);
            client.secrets().inNamespace(namespace).resource(new SecretBuilder()
                    .withNewMetadata().withName(CLIENT_SECRET).withNamespace(namespace).endMetadata()
                    .withType("kubernetes.io/tls")
                    .withData(Map.of("tls.crt", encode(dataPlane.chainPem()), "tls.key", encode(dataPlane.privateKeyPem()),
                            "ca.crt", encode(ca.certificatePem())))
                    .build()).createOr(NonDeletingOperation::patch);
            LOG.info("issued the data plane client certificate into secret {}/{}", namespace, CLIENT_SECRET);
        }
        if (serving == null || due(serving.leaf())) {
            serving = issue(serverNames, KeyPurposeId.id_kp_serverAuth);
            return true;
        }
        return false;
    }

    private boolean due(X509Certificate certificate) {
        Instant issued = certificate.getNotBefore().toInstant();
        Instant expires = certificate.getNotAfter().toInstant();
        Instant renewAt = issued.plus(Duration.between(issued, expires).multipliedBy(2).dividedBy(3));
        boolean foreign = !certificate.getIssuerX500Principal().equals(ca.certificate().getSubjectX500Principal());
        return foreign || !clock.instant().isBefore(renewAt);
    }

    private IssuedCertificate issue(List<String> names, KeyPurposeId purpose) {
        Instant now = clock.instant();
        return ca.issue(names, KeyType.EC_P256, now.minus(Duration.ofMinutes(5)), now.plus(LIFETIME), purpose);
    }

    public CertificateAuthority ca() {
        return ca;
    }

    public IssuedCertificate serving() {
        return serving;
    }

    private static String decode(Secret secret, String key) {
        String value = secret.getData() == null ? null : secret.getData().get(key);
        if (value == null) {
            throw new IllegalStateException("secret " + secret.getMetadata().getName() + " has no " + key);
        }
        return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
    }

    private static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
