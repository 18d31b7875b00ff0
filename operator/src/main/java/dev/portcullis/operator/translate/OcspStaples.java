package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.TlsCertificate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

/**
 * The OCSP staples a translation attaches to the certificates it serves, by the content of their
 * chain ({@link #keyOf(String)}): a certificate renewed in its Secret is another certificate, and
 * the staple of the old one never reaches it.
 */
public record OcspStaples(Map<String, OcspStaple> byChain) {

    public static final OcspStaples NONE = new OcspStaples(Map.of());

    public OcspStaples {
        byChain = Map.copyOf(byChain);
    }

    /** The key of a certificate chain (PEM, leaf first): SHA-256 of its text. */
    public static String keyOf(String certificateChainPem) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(certificateChainPem.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    OcspStaple of(TlsCertificate certificate) {
        return byChain.isEmpty() || certificate.certificateChainPem() == null ? null
                : byChain.get(keyOf(certificate.certificateChainPem()));
    }

    /** The certificate with its staple when it has one usable at {@code now}. */
    TlsCertificate attach(TlsCertificate certificate, Instant now) {
        OcspStaple staple = of(certificate);
        return staple != null && staple.usableAt(now) ? certificate.withOcspResponse(staple.response()) : certificate;
    }
}
