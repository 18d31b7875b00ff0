package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Cookie affinity (ingress-nginx's balanced mode): a request without a valid cookie is balanced
 * and its response sets {@code cookieName} to an opaque id of the chosen endpoint; a request whose
 * cookie names a ready endpoint goes there; when that endpoint has left, the request is balanced
 * again and gets a new cookie.
 *
 * @param maxAgeSeconds  the cookie's {@code Max-Age}, or {@code null} for a session cookie
 * @param expiresSeconds the cookie's {@code Expires}, that many seconds after the response, or {@code null}
 * @param path           the cookie's {@code Path}
 * @param sameSite       {@code None}, {@code Lax}, {@code Strict}, or {@code null} to send none;
 *                       {@code None} always comes with {@code Secure}
 * @param domain         the cookie's {@code Domain}, or {@code null} for the request's host only
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionAffinity(String cookieName, Long maxAgeSeconds, Long expiresSeconds, String path, String sameSite,
                              @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean secure, String domain) {

    public static final String DEFAULT_COOKIE_NAME = "INGRESSCOOKIE";

    public SessionAffinity {
        cookieName = cookieName == null ? DEFAULT_COOKIE_NAME : cookieName;
        path = path == null ? "/" : path;
    }

    /** A session cookie named {@code cookieName}, for path {@code /}. */
    public static SessionAffinity cookie(String cookieName) {
        return new SessionAffinity(cookieName, null, null, null, null, false, null);
    }
}
