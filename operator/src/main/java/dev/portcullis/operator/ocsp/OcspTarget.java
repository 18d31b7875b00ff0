package dev.portcullis.operator.ocsp;

import dev.portcullis.dataplane.tls.InvalidCertificateException;
import dev.portcullis.dataplane.tls.PemParser;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.X509ObjectIdentifiers;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * A served certificate that can have a staple: its leaf names an OCSP responder (Authority
 * Information Access, http) and its issuer is the next certificate of the chain, which the
 * responder's answer must be about and signed by (or by a responder the issuer delegated to).
 */
public record OcspTarget(X509Certificate leaf, X509Certificate issuer, URI responder) {

    /** The target of a PEM chain (leaf first), or empty when it names no responder or carries no issuer. */
    public static Optional<OcspTarget> of(String certificateChainPem) {
        return of(chain(certificateChainPem));
    }

    /** As {@link #of(String)}, for a chain already parsed ({@link #chain(String)}). */
    public static Optional<OcspTarget> of(List<X509Certificate> chain) {
        if (chain.size() < 2 || !chain.get(0).getIssuerX500Principal().equals(chain.get(1).getSubjectX500Principal())) {
            return Optional.empty();
        }
        return responder(chain.get(0)).map(uri -> new OcspTarget(chain.get(0), chain.get(1), uri));
    }

    /** Whether the chain's leaf names a responder although the chain cannot be stapled (its issuer is missing). */
    public static boolean namesResponderWithoutIssuer(String certificateChainPem) {
        return namesResponderWithoutIssuer(chain(certificateChainPem));
    }

    /** As {@link #namesResponderWithoutIssuer(String)}, for a chain already parsed. */
    public static boolean namesResponderWithoutIssuer(List<X509Certificate> chain) {
        return !chain.isEmpty() && responder(chain.get(0)).isPresent() && of(chain).isEmpty();
    }

    /** A PEM chain's certificates, leaf first; none when it is missing or does not parse. */
    public static List<X509Certificate> chain(String certificateChainPem) {
        if (certificateChainPem == null) {
            return List.of();
        }
        try {
            return PemParser.certificates(certificateChainPem);
        } catch (InvalidCertificateException | IllegalArgumentException e) {
            return List.of();
        }
    }

    /** The first http(s) OCSP responder URL of the certificate's AIA extension. */
    static Optional<URI> responder(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue(Extension.authorityInfoAccess.getId());
        if (extension == null) {
            return Optional.empty();
        }
        try {
            AuthorityInformationAccess aia = AuthorityInformationAccess.getInstance(
                    ASN1OctetString.getInstance(extension).getOctets());
            for (AccessDescription description : aia.getAccessDescriptions()) {
                GeneralName location = description.getAccessLocation();
                if (description.getAccessMethod().equals(X509ObjectIdentifiers.id_ad_ocsp)
                        && location.getTagNo() == GeneralName.uniformResourceIdentifier) {
                    URI uri = URI.create(location.getName().toString());
                    if ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) {
                        return Optional.of(uri);
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** For logs: serial and subject, never key material. */
    public String describe() {
        return "certificate " + leaf.getSubjectX500Principal().getName() + " (serial " + leaf.getSerialNumber().toString(16) + ")";
    }
}
