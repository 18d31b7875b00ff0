package dev.portcullis.dataplane.balance;

import dev.portcullis.dataplane.config.SessionAffinity;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A cluster's cookie affinity: the opaque id of each ready endpoint and the {@code Set-Cookie} that
 * pins a client to it, both made once per snapshot. The id is an HMAC-SHA256 of the endpoint's
 * address and port keyed by the cluster's name, so every data plane replica, before and after a
 * restart, gives and understands the same cookie, and the cookie does not show the pod's address.
 */
public final class CookieAffinity {

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final SessionAffinity settings;
    private final Map<String, InetSocketAddress> byId = new HashMap<>();
    private final Map<InetSocketAddress, String> ids = new HashMap<>();
    /** The Set-Cookie value per endpoint, without Expires (which moves with the clock). */
    private final Map<InetSocketAddress, String> setCookies = new HashMap<>();

    public CookieAffinity(String clusterName, SessionAffinity settings, List<InetSocketAddress> readyEndpoints) {
        this.settings = settings;
        for (InetSocketAddress endpoint : readyEndpoints) {
            String id = idOf(clusterName, endpoint);
            byId.put(id, endpoint);
            ids.put(endpoint, id);
            setCookies.put(endpoint, setCookieValue(id));
        }
    }

    public String cookieName() {
        return settings.cookieName();
    }

    /** The ready endpoint a cookie value names, or {@code null} (unknown, forged, or the endpoint left). */
    public InetSocketAddress endpointOf(String cookieValue) {
        return cookieValue == null ? null : byId.get(cookieValue);
    }

    /** The endpoint's id, the cookie's value. */
    public String idOf(InetSocketAddress endpoint) {
        return ids.get(endpoint);
    }

    /** The {@code Set-Cookie} value that pins a client to {@code endpoint}, or {@code null} when it is not one of ours. */
    public String setCookie(InetSocketAddress endpoint, long nowMillis) {
        String value = setCookies.get(endpoint);
        if (value == null || settings.expiresSeconds() == null) {
            return value;
        }
        return value + "; Expires=" + HTTP_DATE.format(Instant.ofEpochMilli(nowMillis).plusSeconds(settings.expiresSeconds()));
    }

    private String setCookieValue(String id) {
        StringBuilder cookie = new StringBuilder(settings.cookieName()).append('=').append(id)
                .append("; Path=").append(settings.path());
        if (settings.domain() != null) {
            cookie.append("; Domain=").append(settings.domain());
        }
        if (settings.maxAgeSeconds() != null) {
            cookie.append("; Max-Age=").append(settings.maxAgeSeconds());
        }
        // Browsers drop a SameSite=None cookie that is not Secure.
        if (settings.secure() || "None".equals(settings.sameSite())) {
            cookie.append("; Secure");
        }
        cookie.append("; HttpOnly");
        if (settings.sameSite() != null) {
            cookie.append("; SameSite=").append(settings.sameSite());
        }
        return cookie.toString();
    }

    /** 16 hex digits of HMAC-SHA256(key = cluster name, address bytes and port). */
    static String idOf(String clusterName, InetSocketAddress endpoint) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(("portcullis affinity " + clusterName).getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(endpoint.getAddress().getAddress());
            mac.update(new byte[] {(byte) (endpoint.getPort() >>> 8), (byte) endpoint.getPort()});
            return HexFormat.of().formatHex(mac.doFinal(), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
