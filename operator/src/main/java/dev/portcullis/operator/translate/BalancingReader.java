package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.BalancePolicy;
import dev.portcullis.dataplane.config.HashKey;
import dev.portcullis.dataplane.config.SessionAffinity;
import dev.portcullis.operator.annotation.AffinityAnnotation;
import dev.portcullis.operator.annotation.AnnotationParser;
import dev.portcullis.operator.annotation.IngressAnnotations;
import dev.portcullis.operator.annotation.TlsModeAnnotation;

import java.util.List;
import java.util.Optional;

/**
 * An Ingress's balancing annotations (already parsed and valid) as its clusters' policy, ring-hash
 * key and cookie affinity. Settings that contradict each other, and keys a passthrough host cannot
 * read (it sees no header or cookie), leave the Ingress out with an error rather than be guessed.
 */
final class BalancingReader {

    /** What {@link ClusterSettings} carries: {@code hashBy} only for ring-hash, {@code affinity} only for cookies. */
    record Balancing(BalancePolicy policy, HashKey hashBy, SessionAffinity affinity) {
        static final Balancing DEFAULT = new Balancing(BalancePolicy.ROUND_ROBIN, null, null);
    }

    private static final List<AnnotationParser<?>> COOKIE_SETTINGS = List.of(IngressAnnotations.SESSION_COOKIE_NAME,
            IngressAnnotations.SESSION_COOKIE_MAX_AGE, IngressAnnotations.SESSION_COOKIE_EXPIRES,
            IngressAnnotations.SESSION_COOKIE_PATH, IngressAnnotations.SESSION_COOKIE_SAMESITE,
            IngressAnnotations.SESSION_COOKIE_SECURE, IngressAnnotations.SESSION_COOKIE_DOMAIN);

    private BalancingReader() {
    }

    static Optional<Balancing> read(ObjectRef ref, IngressAnnotations annotations, TlsModeAnnotation mode, Problems problems) {
        AffinityAnnotation affinity = annotations.get(IngressAnnotations.AFFINITY).orElse(AffinityAnnotation.NONE);
        Optional<BalancePolicy> asked = annotations.get(IngressAnnotations.LOAD_BALANCE);
        Optional<HashKey> key = annotations.get(IngressAnnotations.HASH_BY);
        boolean passthrough = mode == TlsModeAnnotation.PASSTHROUGH;
        BalancePolicy policy;
        if (affinity == AffinityAnnotation.CLIENT_IP) {
            if (asked.isPresent() && asked.get() != BalancePolicy.CLIENT_IP) {
                return conflict(ref, problems, annotations.sourceOf(IngressAnnotations.AFFINITY) + " \"client-ip\" and "
                        + annotations.sourceOf(IngressAnnotations.LOAD_BALANCE) + " \"" + word(asked.get()) + "\" each choose the pod");
            }
            policy = BalancePolicy.CLIENT_IP;
        } else {
            policy = asked.orElse(key.isPresent() ? BalancePolicy.RING_HASH : BalancePolicy.ROUND_ROBIN);
        }
        if (key.isPresent() && asked.isPresent() && affinity != AffinityAnnotation.CLIENT_IP
                && annotations.sourceOf(IngressAnnotations.HASH_BY).startsWith(IngressAnnotations.NGINX)
                && annotations.sourceOf(IngressAnnotations.LOAD_BALANCE).startsWith(IngressAnnotations.NGINX)) {
            policy = BalancePolicy.RING_HASH; // as in ingress-nginx, upstream-hash-by overrides its load-balance
        }
        if (key.isPresent() && policy != BalancePolicy.RING_HASH) {
            return conflict(ref, problems, annotations.sourceOf(IngressAnnotations.HASH_BY) + " keys ring-hash balancing but "
                    + (affinity == AffinityAnnotation.CLIENT_IP ? annotations.sourceOf(IngressAnnotations.AFFINITY) + " is \"client-ip\""
                    : annotations.sourceOf(IngressAnnotations.LOAD_BALANCE) + " is \"" + word(policy) + "\""));
        }
        if (passthrough && key.isPresent() && key.get().needsHttp()) {
            problems.error(ref, "BalancingNeedsHttp", annotations.sourceOf(IngressAnnotations.HASH_BY) + " hashes the request's "
                    + key.get().source().name().toLowerCase(java.util.Locale.ROOT) + ", but a passthrough host relays encrypted"
                    + " bytes and never sees one; only client-ip can key it. This Ingress is not served until it is fixed");
            return Optional.empty();
        }
        SessionAffinity sticky = null;
        if (affinity == AffinityAnnotation.COOKIE) {
            if (passthrough) {
                problems.error(ref, "BalancingNeedsHttp", annotations.sourceOf(IngressAnnotations.AFFINITY) + " \"cookie\""
                        + " needs HTTP, but a passthrough host relays encrypted bytes and can neither read nor set a cookie;"
                        + " use client-ip affinity. This Ingress is not served until it is fixed");
                return Optional.empty();
            }
            sticky = new SessionAffinity(annotations.get(IngressAnnotations.SESSION_COOKIE_NAME).orElse(null),
                    annotations.get(IngressAnnotations.SESSION_COOKIE_MAX_AGE).orElse(null),
                    annotations.get(IngressAnnotations.SESSION_COOKIE_EXPIRES).orElse(null),
                    annotations.get(IngressAnnotations.SESSION_COOKIE_PATH).orElse(null),
                    annotations.get(IngressAnnotations.SESSION_COOKIE_SAMESITE).orElse(null),
                    annotations.get(IngressAnnotations.SESSION_COOKIE_SECURE).orElse(false),
                    annotations.get(IngressAnnotations.SESSION_COOKIE_DOMAIN).orElse(null));
        } else {
            for (AnnotationParser<?> parser : COOKIE_SETTINGS) {
                if (annotations.get(parser).isPresent()) {
                    problems.warning(ref, "AnnotationWithoutEffect", annotations.sourceOf(parser)
                            + " applies with cookie affinity only (affinity: cookie) and is ignored here");
                }
            }
        }
        HashKey hashBy = policy == BalancePolicy.RING_HASH ? key.orElse(HashKey.CLIENT_ADDRESS) : null;
        return Optional.of(new Balancing(policy, hashBy, sticky));
    }

    private static Optional<Balancing> conflict(ObjectRef ref, Problems problems, String message) {
        problems.error(ref, "ConflictingAnnotations", message + "; this Ingress is not served until they agree");
        return Optional.empty();
    }

    static String word(BalancePolicy policy) {
        return policy.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
