package dev.portcullis.operator.translate;

import dev.portcullis.operator.annotation.AnnotationParser;
import dev.portcullis.operator.annotation.IngressAnnotations;
import dev.portcullis.operator.annotation.TlsModeAnnotation;

import java.util.List;

/**
 * An Ingress's timeout and body-size annotations (already parsed and valid) as the limits of its
 * clusters. On a passthrough Ingress only the connect timeout means anything (the proxy relays
 * encrypted bytes and sees no request): the others are said to be ignored.
 */
final class ExchangeLimitsReader {

    private static final List<AnnotationParser<Long>> HTTP_ONLY = List.of(IngressAnnotations.RESPONSE_TIMEOUT,
            IngressAnnotations.SEND_TIMEOUT, IngressAnnotations.IDLE_TIMEOUT, IngressAnnotations.MAX_BODY_SIZE);

    private ExchangeLimitsReader() {
    }

    static ExchangeLimits read(ObjectRef ref, IngressAnnotations annotations, TlsModeAnnotation mode, Problems problems) {
        ExchangeLimits limits = new ExchangeLimits(
                annotations.get(IngressAnnotations.CONNECT_TIMEOUT).orElse(0L),
                annotations.get(IngressAnnotations.RESPONSE_TIMEOUT).orElse(0L),
                annotations.get(IngressAnnotations.SEND_TIMEOUT).orElse(0L),
                annotations.get(IngressAnnotations.IDLE_TIMEOUT).orElse(0L),
                annotations.get(IngressAnnotations.MAX_BODY_SIZE).orElse(0L));
        if (mode != TlsModeAnnotation.PASSTHROUGH) {
            return limits;
        }
        java.util.Set<String> ignored = new java.util.TreeSet<>();
        for (AnnotationParser<Long> parser : HTTP_ONLY) {
            if (annotations.get(parser).isPresent()) {
                ignored.add(annotations.sourceOf(parser));
            }
        }
        ignored.forEach(name -> problems.warning(ref, "AnnotationWithoutEffect", name
                + " applies to HTTP routes only; a passthrough host's bytes are relayed unread, so it is ignored here"));
        return limits.connectOnly();
    }
}
