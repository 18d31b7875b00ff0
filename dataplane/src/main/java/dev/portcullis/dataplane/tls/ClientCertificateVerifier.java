package dev.portcullis.dataplane.tls;

import dev.portcullis.dataplane.config.ClientAuth;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a client's certificate chain against one host's {@link ClientAuth}, once per handshake:
 * issued (directly, or through at most {@code depth - 1} intermediates the client sent) by one of
 * the host's CAs, valid now, and not revoked by the host's CRLs. Built once per snapshot.
 */
public final class ClientCertificateVerifier {

    private final ClientAuth settings;
    private final Set<TrustAnchor> anchors;
    private final List<X509Certificate> caCertificates;
    private final List<X509CRL> crls;

    private ClientCertificateVerifier(ClientAuth settings, List<X509Certificate> caCertificates, List<X509CRL> crls) {
        this.settings = settings;
        this.caCertificates = caCertificates;
        this.crls = crls;
        this.anchors = new HashSet<>();
        caCertificates.forEach(ca -> anchors.add(new TrustAnchor(ca, null)));
    }

    /** Throws {@link InvalidCertificateException} when the CA bundle or CRLs do not parse. */
    public static ClientCertificateVerifier of(ClientAuth settings) {
        List<X509Certificate> cas = settings.caPem() == null ? List.of() : PemParser.certificates(settings.caPem());
        return new ClientCertificateVerifier(settings, cas, settings.crlPem() == null ? List.of() : crls(settings.crlPem()));
    }

    public ClientAuth settings() {
        return settings;
    }

    /** The CAs a client is told to pick its certificate by (none for optional-no-ca). */
    X509Certificate[] acceptedIssuers() {
        return settings.mode() == ClientAuth.Mode.OPTIONAL_NO_CA ? new X509Certificate[0]
                : caCertificates.toArray(X509Certificate[]::new);
    }

    /** The verification of what the client showed; {@code chain} empty or null when it showed nothing. */
    public ClientCertificate verify(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            return ClientCertificate.NONE;
        }
        X509Certificate leaf = chain[0];
        String failure = anchors.isEmpty() ? "no CA to verify with" : failure(chain);
        return new ClientCertificate(failure == null ? ClientCertificate.Status.SUCCESS : ClientCertificate.Status.FAILED,
                failure, leaf);
    }

    private String failure(X509Certificate[] chain) {
        try {
            List<X509Certificate> path = new ArrayList<>();
            for (X509Certificate certificate : chain) {
                if (anchors.stream().noneMatch(anchor -> anchor.getTrustedCert().equals(certificate))) {
                    path.add(certificate); // the CA itself, if the client sent it, is the anchor, not part of the path
                }
            }
            if (path.isEmpty()) {
                return "the certificate is a CA's";
            }
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            CertPathValidator validator = CertPathValidator.getInstance("PKIX");
            PKIXParameters parameters = new PKIXParameters(anchors);
            if (crls.isEmpty()) {
                parameters.setRevocationEnabled(false);
            } else {
                PKIXRevocationChecker revocation = (PKIXRevocationChecker) validator.getRevocationChecker();
                // Only the CRLs given: never a fetch; a CA without a CRL is not a failure.
                revocation.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS,
                        PKIXRevocationChecker.Option.NO_FALLBACK, PKIXRevocationChecker.Option.SOFT_FAIL));
                parameters.addCertPathChecker(revocation);
                parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
            }
            if (path.size() > settings.depth()) {
                return "the chain is longer than the verification depth " + settings.depth();
            }
            validator.validate(factory.generateCertPath(path), parameters);
            return null;
        } catch (CertPathValidatorException e) {
            return e.getReason() == CertPathValidatorException.BasicReason.REVOKED ? "certificate revoked"
                    : e.getReason() == CertPathValidatorException.BasicReason.EXPIRED ? "certificate has expired"
                    : e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID ? "certificate is not yet valid"
                    : "unable to verify the certificate";
        } catch (GeneralSecurityException e) {
            return "unable to verify the certificate";
        }
    }

    private static List<X509CRL> crls(String pem) {
        try {
            Collection<? extends java.security.cert.CRL> parsed = CertificateFactory.getInstance("X.509")
                    .generateCRLs(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            List<X509CRL> crls = new ArrayList<>();
            parsed.forEach(crl -> crls.add((X509CRL) crl));
            if (crls.isEmpty()) {
                throw new InvalidCertificateException("ca.crl holds no CRL");
            }
            return crls;
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new InvalidCertificateException("ca.crl does not parse as PEM CRLs");
        }
    }
}
