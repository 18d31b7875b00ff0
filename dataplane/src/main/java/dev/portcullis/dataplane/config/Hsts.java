package dev.portcullis.dataplane.config;

/**
 * HTTP Strict Transport Security: the {@code Strict-Transport-Security} field HTTPS responses of a
 * terminated or re-encrypted host carry (never plain HTTP ones, never a second one when the pod
 * sends its own).
 *
 * @param enabled           whether the field is sent at all
 * @param maxAgeSeconds     {@code max-age}
 */
public record Hsts(boolean enabled, long maxAgeSeconds, boolean includeSubDomains, boolean preload) {

    /** ingress-nginx's defaults: a year, with subdomains, without preload. */
    public static final Hsts DEFAULT = new Hsts(true, 31_536_000, true, false);
    public static final Hsts OFF = new Hsts(false, 0, false, false);

    /** The field's value, e.g. {@code max-age=31536000; includeSubDomains}. */
    public String headerValue() {
        return "max-age=" + maxAgeSeconds + (includeSubDomains ? "; includeSubDomains" : "") + (preload ? "; preload" : "");
    }
}
