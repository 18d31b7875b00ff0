package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.AccessRules;
import dev.portcullis.operator.annotation.AnnotationParser;
import dev.portcullis.operator.annotation.IngressAnnotations;
import dev.portcullis.operator.annotation.NginxAnnotationPolicy;

import java.util.List;
import java.util.Optional;

/**
 * What an Ingress's access annotations ask of its routes (or, passed through, of its hosts): source
 * ranges, rate limits (counted per Ingress: its routes share one zone, as ingress-nginx's
 * {@code limit_req_zone} per Ingress), external authentication. An allow-list of every address
 * ({@code 0.0.0.0/0,::/0}, cert-manager's solver Ingress) restricts nothing and is left out.
 */
final class AccessRulesReader {

    private AccessRulesReader() {
    }

    /** {@code null} when the Ingress asks for none. */
    static AccessRules read(ServedIngress served) {
        IngressAnnotations annotations = served.annotations();
        List<String> allow = annotations.get(IngressAnnotations.ALLOW_SOURCE_RANGES).orElse(List.of());
        if (!allow.isEmpty() && NginxAnnotationPolicy.allowsEveryAddress(String.join(",", allow))) {
            allow = List.of();
        }
        List<String> deny = annotations.get(IngressAnnotations.DENY_SOURCE_RANGES).orElse(List.of());
        int rps = annotations.get(IngressAnnotations.LIMIT_RPS).orElse(0);
        int rpm = annotations.get(IngressAnnotations.LIMIT_RPM).orElse(0);
        int connections = annotations.get(IngressAnnotations.LIMIT_CONNECTIONS).orElse(0);
        AccessRules.RateLimit limit = rps == 0 && rpm == 0 && connections == 0 ? null
                : new AccessRules.RateLimit(served.ref().toString(), rps, rpm,
                annotations.get(IngressAnnotations.LIMIT_BURST_MULTIPLIER).orElse(AccessRules.RateLimit.DEFAULT_BURST_MULTIPLIER),
                connections, annotations.get(IngressAnnotations.LIMIT_ALLOWLIST).orElse(List.of()));
        AccessRules.ExternalAuth auth = annotations.get(IngressAnnotations.AUTH_URL)
                .map(url -> new AccessRules.ExternalAuth(url, annotations.get(IngressAnnotations.AUTH_METHOD).orElse("GET"),
                        annotations.get(IngressAnnotations.AUTH_SIGNIN).orElse(null),
                        annotations.get(IngressAnnotations.AUTH_RESPONSE_HEADERS).orElse(List.of())))
                .orElse(null);
        if (allow.isEmpty() && deny.isEmpty() && limit == null && auth == null) {
            return null;
        }
        return new AccessRules(allow, deny, limit, auth);
    }

    /** A passthrough host's: its source ranges only. */
    static AccessRules sourceRanges(ServedIngress served) {
        AccessRules rules = read(served);
        return rules == null || !rules.hasSourceRanges() ? null : AccessRules.sourceRanges(rules.allow(), rules.deny());
    }

    /**
     * Problems with access annotations as written: true when the Ingress must be left out (a limit or
     * authentication that a passthrough Ingress cannot honour), warnings for companions without effect.
     */
    static boolean refused(Problems problems, ObjectRef ref, IngressAnnotations annotations, boolean passthrough) {
        boolean refused = false;
        if (passthrough) {
            for (AnnotationParser<?> parser : List.of(IngressAnnotations.LIMIT_RPS, IngressAnnotations.LIMIT_RPM,
                    IngressAnnotations.LIMIT_CONNECTIONS, IngressAnnotations.AUTH_URL)) {
                if (annotations.get(parser).isPresent()) {
                    problems.error(ref, "AccessAnnotationNotHonoured", annotations.sourceOf(parser) + " applies to HTTP"
                            + " requests, and a passthrough Ingress relays TLS bytes it cannot read (only source ranges"
                            + " apply to it); rather than serve it unprotected, this Ingress is left out");
                    refused = true;
                }
            }
        }
        if (annotations.get(IngressAnnotations.AUTH_URL).isEmpty()) {
            companionsWithout(problems, ref, annotations, IngressAnnotations.AUTH_URL, List.of(IngressAnnotations.AUTH_SIGNIN,
                    IngressAnnotations.AUTH_METHOD, IngressAnnotations.AUTH_RESPONSE_HEADERS));
        }
        if (annotations.get(IngressAnnotations.LIMIT_RPS).isEmpty() && annotations.get(IngressAnnotations.LIMIT_RPM).isEmpty()
                && annotations.get(IngressAnnotations.LIMIT_CONNECTIONS).isEmpty()) {
            companionsWithout(problems, ref, annotations, IngressAnnotations.LIMIT_RPS,
                    List.of(IngressAnnotations.LIMIT_BURST_MULTIPLIER, IngressAnnotations.LIMIT_ALLOWLIST));
        }
        return refused;
    }

    private static void companionsWithout(Problems problems, ObjectRef ref, IngressAnnotations annotations,
                                          AnnotationParser<?> main, List<AnnotationParser<?>> companions) {
        for (AnnotationParser<?> companion : companions) {
            Optional<?> value = annotations.get(companion);
            if (value.isPresent()) {
                problems.warning(ref, "AnnotationWithoutEffect", annotations.sourceOf(companion) + " is ignored without "
                        + main.name().substring(main.name().indexOf('/') + 1)
                        + (main == IngressAnnotations.LIMIT_RPS ? " (or limit-rpm, limit-connections)" : ""));
            }
        }
    }
}
