package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.Canary;
import dev.portcullis.operator.annotation.AnnotationParser;
import dev.portcullis.operator.annotation.IngressAnnotations;

import java.util.Optional;

/**
 * What a canary Ingress's annotations ask, as ingress-nginx reads them: a header value or pattern
 * means something only with {@code canary-by-header}, and a value makes a pattern moot. Those cases
 * are warnings; a weight above its total is an error (the canary is not served).
 */
final class CanaryRules {

    private CanaryRules() {
    }

    /** The rules, with no cluster yet; empty when they cannot be honoured as written. */
    static Optional<Canary> read(Problems problems, ObjectRef ref, IngressAnnotations annotations) {
        String header = annotations.get(IngressAnnotations.CANARY_BY_HEADER).orElse(null);
        String value = annotations.get(IngressAnnotations.CANARY_BY_HEADER_VALUE).orElse(null);
        String pattern = annotations.get(IngressAnnotations.CANARY_BY_HEADER_PATTERN).orElse(null);
        if (header == null && (value != null || pattern != null)) {
            problems.warning(ref, "AnnotationWithoutEffect", annotations.sourceOf(value != null
                    ? IngressAnnotations.CANARY_BY_HEADER_VALUE : IngressAnnotations.CANARY_BY_HEADER_PATTERN)
                    + " is ignored without " + IngressAnnotations.CANARY_BY_HEADER.name().substring(AnnotationParser.PREFIX.length()));
            value = null;
            pattern = null;
        }
        if (value != null && pattern != null) {
            problems.warning(ref, "AnnotationWithoutEffect", annotations.sourceOf(IngressAnnotations.CANARY_BY_HEADER_PATTERN)
                    + " is ignored: " + annotations.sourceOf(IngressAnnotations.CANARY_BY_HEADER_VALUE)
                    + " is set too and wins, as in ingress-nginx");
            pattern = null;
        }
        int total = annotations.get(IngressAnnotations.CANARY_WEIGHT_TOTAL).orElse(Canary.DEFAULT_WEIGHT_TOTAL);
        int weight = annotations.get(IngressAnnotations.CANARY_WEIGHT).orElse(0);
        if (weight > total) {
            problems.error(ref, "InvalidAnnotation", annotations.sourceOf(IngressAnnotations.CANARY_WEIGHT) + ": " + weight
                    + " is more than the weight total (" + total + "); this canary is not served until it is fixed");
            return Optional.empty();
        }
        String cookie = annotations.get(IngressAnnotations.CANARY_BY_COOKIE).orElse(null);
        if (header == null && cookie == null && weight == 0) {
            problems.warning(ref, "CanaryWithoutRules", "this canary names no canary-by-header, no canary-by-cookie and"
                    + " no canary-weight above 0, so no request goes to it");
        }
        return Optional.of(new Canary(null, header, value, pattern, cookie, weight, total));
    }
}
