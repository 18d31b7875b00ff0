package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.operator.translate.TlsSecretParser.Parsed;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a broken TLS Secret is replaced with in one translation: the last certificate that was good
 * for the same Secret and purpose (a host, or a DataPlane's default certificate), remembered by
 * {@link ParsedSecrets}, under a name of its own; or, when the operator does not know it (it started
 * after the Secret broke), a {@code keepServing} marker that tells data planes to keep what they
 * serve. It counts the places served so, and collects the certificates they need in the snapshot.
 */
final class LastGoodCertificates {

    private final ParsedSecrets memo;
    private final CertificateProblems wording;
    private final Map<String, TlsCertificate> certificates = new TreeMap<>();
    private final Set<String> keptFor = new TreeSet<>();

    private final Attribution attribution;

    LastGoodCertificates(ParsedSecrets memo, CertificateProblems wording, Attribution attribution) {
        this.memo = memo;
        this.wording = wording;
        this.attribution = attribution;
    }

    /** This parse is good for the purpose: the one to keep if the Secret breaks. */
    void good(String purpose, Parsed parsed) {
        memo.good(purpose, parsed);
    }

    /** The last good parse for the purpose, if any. */
    Parsed lastGood(String purpose) {
        return memo.lastGood(purpose);
    }

    /**
     * The certificate's name to serve for a Secret that cannot be served (it exists, but broke), or
     * null when nothing can stand in for it: the last good certificate, else the keepServing marker
     * when what the data planes serve is unknown. Either way a warning says so.
     *
     * @param fallback what a data plane with nothing to keep serves instead
     */
    String whenBroken(ObjectRef object, String secret, String purpose, String reason, String failure, String servedAs,
                      String fallback, boolean served) {
        Parsed kept = memo.lastGood(purpose);
        if (kept != null) {
            return keep(object, kept, reason, failure, servedAs, served);
        }
        if (!memo.keepsServing(purpose)) {
            return null;
        }
        String name = secret + " (keep serving)";
        if (served) {
            certificates.putIfAbsent(name, TlsCertificate.keepServing(name));
            served(object, name, servedAs);
        }
        wording.keptByDataPlanes(object, reason, failure, servedAs, fallback);
        return name;
    }

    /**
     * Serves the last good certificate of a Secret that broke: under a name of its own (another host
     * may be served the Secret's new content), with a warning that says what broke.
     */
    String keep(ObjectRef object, Parsed kept, String reason, String failure, String servedAs, boolean served) {
        TlsCertificate certificate = kept.certificate();
        String name = certificate.name() + " (last good, serial " + kept.leaf().serialNumber().toString(16) + ")";
        if (served) {
            certificates.putIfAbsent(name, new TlsCertificate(name, certificate.certificateChainPem(), certificate.privateKeyPem()));
            served(object, name, servedAs);
        }
        wording.lastGoodKept(object, reason, failure, servedAs, kept);
        return name;
    }

    private void served(ObjectRef object, String certificate, String servedAs) {
        keptFor.add(servedAs);
        attribution.certificate(object, certificate);
        attribution.kept(object, servedAs);
    }

    /** The kept certificates and markers the snapshot needs, by name. */
    List<TlsCertificate> certificates() {
        return List.copyOf(certificates.values());
    }

    /** How many hosts (and default certificates) keep a certificate, or are told to, because their Secret broke. */
    int count() {
        return keptFor.size();
    }
}
