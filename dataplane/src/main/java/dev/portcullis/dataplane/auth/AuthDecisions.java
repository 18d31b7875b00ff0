package dev.portcullis.dataplane.auth;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * ingress-nginx's reading of the authentication service's status: 2xx lets the request through
 * with the named headers; 401 sends the client to {@code auth-signin} (302, with {@code rd=} the
 * original URL unless the sign-in URL has one) or passes the 401 with its {@code WWW-Authenticate};
 * 403 is passed; any other status, or no answer, is 500 (nginx's {@code auth_request} treats them
 * as an error). {@code Set-Cookie} of a 401 reaches the client (oauth2-proxy clears or sets its
 * cookie there).
 */
final class AuthDecisions {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AuthDecisions.class);

    private AuthDecisions() {
    }

    static AuthDecision of(ExternalAuthTarget auth, HttpResponse answer, String originalUrl) {
        int status = answer.status().code();
        if (status >= 200 && status < 300) {
            List<Map.Entry<String, String>> copied = new ArrayList<>();
            for (AsciiString name : auth.responseHeaders()) {
                copied.addAll(ExternalAuthClient.entries(answer.headers(), name));
            }
            return new AuthDecision.Allow(List.copyOf(copied), auth.responseHeaders());
        }
        if (status == 401) {
            List<Map.Entry<String, String>> headers = new ArrayList<>(
                    ExternalAuthClient.entries(answer.headers(), HttpHeaderNames.SET_COOKIE));
            if (auth.signin() != null) {
                return new AuthDecision.Deny(HttpResponseStatus.FOUND, signinLocation(auth.signin(), originalUrl),
                        "sign in first", List.copyOf(headers));
            }
            headers.addAll(ExternalAuthClient.entries(answer.headers(), HttpHeaderNames.WWW_AUTHENTICATE));
            return new AuthDecision.Deny(HttpResponseStatus.UNAUTHORIZED, null, "authentication required", List.copyOf(headers));
        }
        if (status == 403) {
            return new AuthDecision.Deny(HttpResponseStatus.FORBIDDEN, null, "the authentication service refused this request",
                    List.of());
        }
        return unreachable("the authentication service answered " + status);
    }

    /** The reason goes to the log, not to the client (it names the service's address). */
    static AuthDecision unreachable(String why) {
        dev.portcullis.dataplane.upstream.UpstreamWarnings.shared().warn(LOG, "external-auth",
                "external authentication: {}; the request is answered 500", why);
        return new AuthDecision.Deny(HttpResponseStatus.INTERNAL_SERVER_ERROR, null,
                "the authentication service could not decide", List.of());
    }

    /** ingress-nginx's buildAuthSignURL: {@code rd=} the original URL is added unless the URL has it. */
    static String signinLocation(String signin, String originalUrl) {
        if (signin.contains("?rd=") || signin.contains("&rd=")) {
            return signin;
        }
        return signin + (signin.contains("?") ? "&" : "?") + "rd=" + URLEncoder.encode(originalUrl, StandardCharsets.UTF_8);
    }
}
