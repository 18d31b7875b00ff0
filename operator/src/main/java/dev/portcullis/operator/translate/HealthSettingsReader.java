package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.HealthCheck;
import dev.portcullis.dataplane.config.OutlierDetection;
import dev.portcullis.dataplane.config.RetryPolicy;
import dev.portcullis.dataplane.config.UpstreamProtocol;
import dev.portcullis.operator.annotation.AnnotationParser;
import dev.portcullis.operator.annotation.HealthAnnotations;
import dev.portcullis.operator.annotation.IngressAnnotations;
import dev.portcullis.operator.annotation.TlsModeAnnotation;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An Ingress's health and retry annotations (already parsed and valid) as {@link HealthSettings}.
 * Any {@code health-check*} annotation turns the active check on. Its kind, unless
 * {@code health-check} names it: {@code http} with a path, else {@code tls} for passthrough and
 * re-encryption, else {@code tcp}. A passthrough host is checked by TLS handshake only (its pods'
 * HTTP is inside the client's TLS); an HTTP check of plain-text pods over TLS, or a TLS check of
 * them, cannot be done: the Ingress is refused with a reason.
 */
final class HealthSettingsReader {

    private static final List<AnnotationParser<?>> CHECK = List.of(IngressAnnotations.HEALTH_CHECK,
            IngressAnnotations.HEALTH_CHECK_PATH, IngressAnnotations.HEALTH_CHECK_STATUS, IngressAnnotations.HEALTH_CHECK_INTERVAL,
            IngressAnnotations.HEALTH_CHECK_TIMEOUT, IngressAnnotations.HEALTH_CHECK_HEALTHY_THRESHOLD,
            IngressAnnotations.HEALTH_CHECK_UNHEALTHY_THRESHOLD);
    private static final Set<RetryPolicy.On> HTTP_ONLY = EnumSet.of(RetryPolicy.On.RESET, RetryPolicy.On.TIMEOUT,
            RetryPolicy.On.HTTP_500, RetryPolicy.On.HTTP_502, RetryPolicy.On.HTTP_503, RetryPolicy.On.HTTP_504);

    private HealthSettingsReader() {
    }

    static Optional<HealthSettings> read(ObjectRef ref, IngressAnnotations annotations, TlsModeAnnotation mode,
                                         UpstreamProtocol protocol, Problems problems) {
        HealthCheck check = null;
        if (CHECK.stream().anyMatch(parser -> annotations.get(parser).isPresent())) {
            Optional<HealthCheck> read = check(ref, annotations, mode, protocol, problems);
            if (read.isEmpty()) {
                return Optional.empty();
            }
            check = read.get();
        }
        OutlierDetection defaults = OutlierDetection.DEFAULTS;
        long base = annotations.get(IngressAnnotations.OUTLIER_EJECTION_TIME).orElse(defaults.baseEjectionMillis());
        long max = annotations.get(IngressAnnotations.OUTLIER_MAX_EJECTION_TIME).orElse(Math.max(base, defaults.maxEjectionMillis()));
        if (max < base) {
            problems.error(ref, "InvalidAnnotation", annotations.sourceOf(IngressAnnotations.OUTLIER_MAX_EJECTION_TIME)
                    + " is shorter than " + annotations.sourceOf(IngressAnnotations.OUTLIER_EJECTION_TIME)
                    + "; this Ingress is not served until it is fixed");
            return Optional.empty();
        }
        OutlierDetection outliers = new OutlierDetection(annotations.get(IngressAnnotations.OUTLIER_DETECTION).orElse(true),
                annotations.get(IngressAnnotations.OUTLIER_CONSECUTIVE_FAILURES).orElse(defaults.consecutiveFailures()),
                base, max, annotations.get(IngressAnnotations.OUTLIER_MAX_EJECTION_PERCENT).orElse(defaults.maxEjectionPercent()));
        RetryPolicy retryDefaults = RetryPolicy.DEFAULTS;
        RetryPolicy retry = new RetryPolicy(annotations.get(IngressAnnotations.RETRIES).orElse(retryDefaults.retries()),
                annotations.get(IngressAnnotations.RETRY_ON).orElse(retryDefaults.retryOn()),
                annotations.get(IngressAnnotations.PER_TRY_TIMEOUT).orElse(0L),
                annotations.get(IngressAnnotations.RETRY_TIMEOUT).orElse(0L));
        if (mode == TlsModeAnnotation.PASSTHROUGH) {
            retry = passthroughRetry(ref, annotations, retry, problems);
        }
        return Optional.of(new HealthSettings(check, outliers, retry));
    }

    private static Optional<HealthCheck> check(ObjectRef ref, IngressAnnotations annotations, TlsModeAnnotation mode,
                                               UpstreamProtocol protocol, Problems problems) {
        Optional<String> path = annotations.get(IngressAnnotations.HEALTH_CHECK_PATH);
        boolean tlsToPods = mode == TlsModeAnnotation.PASSTHROUGH || mode == TlsModeAnnotation.REENCRYPT;
        HealthCheck.Kind kind = annotations.get(IngressAnnotations.HEALTH_CHECK)
                .orElse(path.isPresent() && mode != TlsModeAnnotation.PASSTHROUGH ? HealthCheck.Kind.HTTP
                        : tlsToPods ? HealthCheck.Kind.TLS : HealthCheck.Kind.TCP);
        String kindSource = annotations.sourceOf(IngressAnnotations.HEALTH_CHECK);
        if (kind == HealthCheck.Kind.TLS && !tlsToPods) {
            problems.error(ref, "InvalidAnnotation", kindSource + " \"tls\" needs pods that speak TLS (tls-mode passthrough"
                    + " or reencrypt); this Ingress is not served until it is fixed");
            return Optional.empty();
        }
        if (kind == HealthCheck.Kind.HTTP && mode == TlsModeAnnotation.PASSTHROUGH) {
            problems.error(ref, "InvalidAnnotation", kindSource + " \"http\" cannot check a passthrough host's pods, whose"
                    + " HTTP is inside their clients' TLS; use tls (the default there); this Ingress is not served until it is fixed");
            return Optional.empty();
        }
        if (kind == HealthCheck.Kind.HTTP && path.isEmpty()) {
            problems.error(ref, "InvalidAnnotation", kindSource + " \"http\" needs "
                    + IngressAnnotations.HEALTH_CHECK_PATH.name() + "; this Ingress is not served until it is fixed");
            return Optional.empty();
        }
        if (kind == HealthCheck.Kind.HTTP && protocol == UpstreamProtocol.HTTP_2) {
            problems.error(ref, "InvalidAnnotation", IngressAnnotations.HEALTH_CHECK_PATH.name() + ": HTTP checks speak"
                    + " HTTP/1.1, which these HTTP/2 pods may not; use health-check tcp or tls; this Ingress is not served until it is fixed");
            return Optional.empty();
        }
        if (kind != HealthCheck.Kind.HTTP) {
            for (var parser : List.of(IngressAnnotations.HEALTH_CHECK_PATH, IngressAnnotations.HEALTH_CHECK_STATUS)) {
                if (annotations.get(parser).isPresent()) {
                    problems.warning(ref, "AnnotationWithoutEffect", annotations.sourceOf(parser) + " applies to HTTP"
                            + " checks only; this " + kind.name().toLowerCase(java.util.Locale.ROOT) + " check ignores it");
                }
            }
        }
        HealthAnnotations.StatusRange status = annotations.get(IngressAnnotations.HEALTH_CHECK_STATUS)
                .orElse(new HealthAnnotations.StatusRange(200, 399));
        return Optional.of(new HealthCheck(kind, kind == HealthCheck.Kind.HTTP ? path.get() : null,
                kind == HealthCheck.Kind.HTTP ? status.from() : 0, kind == HealthCheck.Kind.HTTP ? status.to() : 0,
                annotations.get(IngressAnnotations.HEALTH_CHECK_INTERVAL).orElse(0L),
                annotations.get(IngressAnnotations.HEALTH_CHECK_TIMEOUT).orElse(0L),
                annotations.get(IngressAnnotations.HEALTH_CHECK_HEALTHY_THRESHOLD).orElse(0),
                annotations.get(IngressAnnotations.HEALTH_CHECK_UNHEALTHY_THRESHOLD).orElse(0)));
    }

    /** A passthrough relay sees no request: only connect failures can be retried there. */
    private static RetryPolicy passthroughRetry(ObjectRef ref, IngressAnnotations annotations, RetryPolicy retry,
                                                Problems problems) {
        boolean asked = annotations.get(IngressAnnotations.RETRY_ON).isPresent();
        Set<RetryPolicy.On> kept = EnumSet.noneOf(RetryPolicy.On.class);
        kept.addAll(retry.retryOn());
        if (asked && kept.removeAll(HTTP_ONLY)) {
            problems.warning(ref, "AnnotationWithoutEffect", annotations.sourceOf(IngressAnnotations.RETRY_ON)
                    + ": a passthrough host's bytes are relayed unread, so only connect failures are retried there");
        }
        for (var parser : List.of(IngressAnnotations.PER_TRY_TIMEOUT, IngressAnnotations.RETRY_TIMEOUT)) {
            if (annotations.get(parser).isPresent()) {
                problems.warning(ref, "AnnotationWithoutEffect", annotations.sourceOf(parser)
                        + " applies to HTTP routes only; a passthrough host's bytes are relayed unread, so it is ignored here");
            }
        }
        return asked || !retry.equals(RetryPolicy.DEFAULTS) ? new RetryPolicy(retry.retries(), kept, 0, 0) : retry;
    }
}
