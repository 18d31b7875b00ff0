package dev.portcullis.operator.translate;

/**
 * The wording of certificate problems: what broke, what is served meanwhile, and until when. One
 * place, so the Events of a host and of a DataPlane's default certificate read alike.
 */
final class CertificateProblems {

    private final Problems problems;

    CertificateProblems(Problems problems) {
        this.problems = problems;
    }

    /** A host's Secret cannot be served and nothing is kept: the default certificate is served. */
    void hostOnDefault(ObjectRef ingress, String reason, String failure, String host) {
        problems.error(ingress, reason, failure + "; " + host + " is served with the default certificate");
    }

    /** The failure of a certificate that does not name the host (reason {@code CertificateHostMismatch}). */
    String doesNotCover(String secret, String host, java.util.List<String> names) {
        return "the certificate in secret " + secret + " does not cover " + host + " (it names " + names + ")";
    }

    String expired(String secret, TlsSecretParser.Parsed certificate) {
        return "the certificate in secret " + secret + " expired at " + certificate.notAfter();
    }

    String notYetValid(String secret, TlsSecretParser.Parsed certificate) {
        return "the certificate in secret " + secret + " is valid only from " + certificate.notBefore();
    }

    void hostExpired(ObjectRef ingress, String secret, String host, TlsSecretParser.Parsed certificate) {
        problems.warning(ingress, "CertificateExpired", "the certificate in secret " + secret + " for " + host
                + " expired at " + certificate.notAfter() + "; it is served until it is renewed");
    }

    void hostExpiresSoon(ObjectRef ingress, String secret, String host, TlsSecretParser.Parsed certificate, java.time.Duration left) {
        problems.warning(ingress, "CertificateExpiresSoon", "the certificate in secret " + secret + " for " + host
                + " expires at " + certificate.notAfter() + ", in " + left.toDays() + " days and "
                + left.toHoursPart() + " hours; renew it");
    }

    void hostNotYetValid(ObjectRef ingress, String secret, String host, TlsSecretParser.Parsed certificate) {
        problems.warning(ingress, "CertificateNotYetValid", "the certificate in secret " + secret + " for " + host
                + " is valid only from " + certificate.notBefore() + "; clients reject it until then");
    }

    /** The last good certificate of a broken Secret is served in its place. */
    void lastGoodKept(ObjectRef object, String reason, String failure, String servedAs, TlsSecretParser.Parsed kept) {
        problems.warning(object, "LastGoodCertificateKept", failure + " (" + reason + "); " + servedAs
                + " keeps the last good certificate of this secret (serial " + kept.leaf().serialNumber().toString(16)
                + ", valid until " + kept.notAfter() + ") until it is fixed");
    }

    /**
     * A broken Secret whose last good certificate this operator does not hold (it started after the
     * Secret broke): the data planes are told to keep what they serve.
     */
    void keptByDataPlanes(ObjectRef object, String reason, String failure, String servedAs, String fallback) {
        problems.warning(object, "LastGoodCertificateKeptByDataPlanes", failure + " (" + reason + "); the operator holds no"
                + " good certificate of this secret (it started after the secret broke), so the data planes keep the"
                + " certificate they serve for " + servedAs + "; a data plane that starts now, or never served one, serves "
                + fallback + " until the secret is fixed");
    }

    /** RSA keys under 2048 bits fail every current audit (and some clients refuse them). */
    void weakKey(ObjectRef object, String secret, TlsSecretParser.Parsed certificate) {
        int rsaBits = certificate.leaf().rsaKeyBits();
        if (rsaBits > 0 && rsaBits < 2048) {
            problems.warning(object, "WeakKey", "the certificate in secret " + secret + " has a " + rsaBits
                    + "-bit RSA key; use at least 2048 bits (or an ECDSA P-256 key)");
        }
    }

    void clientCertificateUnusable(ObjectRef ingress, String reason, String failure, String annotation) {
        problems.error(ingress, reason, failure + " (" + annotation + "); this Ingress is not served until it is fixed");
    }

    void clientCertificateExpired(ObjectRef ingress, String secret, TlsSecretParser.Parsed certificate) {
        problems.warning(ingress, "CertificateExpired", "the client certificate in secret " + secret + " expired at "
                + certificate.notAfter() + "; pods that check it will refuse the proxy");
    }

    void defaultUnusable(ObjectRef dataPlane, String reason, String failure) {
        problems.error(dataPlane, reason, failure + " (spec.tls.defaultCertificateSecret); clients"
                + " whose SNI names no host get the generated default certificate until it is fixed");
    }

    String defaultOutOfDates(String secret, TlsSecretParser.Parsed certificate) {
        return "the default certificate in secret " + secret + " is out of its dates (" + certificate.notBefore()
                + " to " + certificate.notAfter() + ")";
    }

    void defaultExpired(ObjectRef dataPlane, String secret, TlsSecretParser.Parsed certificate) {
        problems.warning(dataPlane, "CertificateExpired", "the default certificate in secret " + secret + " expired at "
                + certificate.notAfter() + "; it is served until it is renewed");
    }

    void caBundleSecretMissing(ObjectRef ingress, String secret, String annotation) {
        problems.error(ingress, "SecretNotFound", "secret " + secret + " (" + annotation
                + ") does not exist; this Ingress is not served until it does");
    }

    void caBundleKeyMissing(ObjectRef ingress, String secret, String annotation) {
        problems.error(ingress, "SecretMissingKey", "secret " + secret + " (" + annotation
                + ") has no ca.crt; this Ingress is not served until it does");
    }

    void caBundleInvalid(ObjectRef ingress, String secret, String annotation, String why) {
        problems.error(ingress, "SecretInvalid", "secret " + secret + " (" + annotation + "): ca.crt: " + why
                + "; this Ingress is not served until it is fixed");
    }

    void crlInvalid(ObjectRef ingress, String secret, String annotation, String why) {
        problems.error(ingress, "SecretInvalid", "secret " + secret + " (" + annotation + "): ca.crl: " + why
                + "; this Ingress is not served until it is fixed (it would let revoked certificates in)");
    }
}
