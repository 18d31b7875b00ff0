package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.TlsCertificate;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Says, as a Warning on the Ingress that gives a host its certificate, what is wrong with the
 * certificate's OCSP staple: revoked, a refresh failing (the last good response is stapled until
 * its nextUpdate), or no staple at all (expired, never fetched, or the responder does not know the
 * certificate). A certificate without a responder, or with a good fresh staple, says nothing.
 */
final class OcspStaplePhase {

    private final TranslationContext context;

    OcspStaplePhase(TranslationContext context) {
        this.context = context;
    }

    void apply() {
        if (context.staples.byChain().isEmpty()) {
            return;
        }
        Map<String, TlsCertificate> byName = new HashMap<>();
        context.secrets.certificates().forEach(certificate -> byName.put(certificate.name(), certificate));
        Set<String> said = new HashSet<>();
        context.hosts.forEach((host, builder) -> {
            TlsCertificate certificate = builder.certificate == null ? null : byName.get(builder.certificate);
            OcspStaple staple = certificate == null ? null : context.staples.of(certificate);
            if (staple == null || builder.tlsFrom == null || !said.add(builder.tlsFrom + "/" + certificate.name())) {
                return;
            }
            warn(builder.tlsFrom, certificate.name(), staple);
        });
    }

    private void warn(ObjectRef ingress, String secret, OcspStaple staple) {
        boolean usable = usableNow(context, staple);
        String what = "OCSP staple of secret " + secret + " (responder " + staple.responder() + ")";
        if (usable && staple.status() == OcspStaple.Status.REVOKED) {
            context.problems.warning(ingress, "OcspCertificateRevoked", "the OCSP responder says the certificate of secret "
                    + secret + " is revoked (since " + staple.revokedAt() + "); clients that ask are told so");
        }
        if (usable && staple.failure() != null) {
            context.problems.warning(ingress, "OcspRefreshFailing", what + ": refresh failing (" + staple.failure()
                    + "); the last good response is stapled until its nextUpdate " + staple.nextUpdate());
        } else if (!usable && staple.response() != null) {
            context.problems.warning(ingress, "OcspStapleExpired", what + ": the last good response expired at "
                    + staple.nextUpdate() + (staple.failure() == null ? "" : " (" + staple.failure() + ")")
                    + "; stapling stopped until a fetch succeeds");
        } else if (!usable && staple.failure() != null) {
            context.problems.warning(ingress, "OcspStapleUnavailable", what + ": " + staple.failure()
                    + "; handshakes go on without a staple");
        }
    }

    static List<TlsCertificate> attach(TranslationContext context, List<TlsCertificate> certificates) {
        return certificates.stream().map(certificate -> {
            OcspStaple staple = context.staples.of(certificate);
            if (staple != null) {
                usableNow(context, staple);
            }
            return context.staples.attach(certificate, context.now);
        }).toList();
    }

    /** Whether the staple may be stapled now; the answer changes at its nextUpdate. */
    private static boolean usableNow(TranslationContext context, OcspStaple staple) {
        if (staple.nextUpdate() != null) {
            context.timeBoundary.at(staple.nextUpdate());
        }
        return staple.usableAt(context.now);
    }
}
