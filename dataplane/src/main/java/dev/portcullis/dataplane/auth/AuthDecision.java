package dev.portcullis.dataplane.auth;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.List;
import java.util.Map;

/** What the external authentication service's answer means for the request it was asked about. */
public sealed interface AuthDecision {

    /** A 2xx: the request goes on, with these headers (from the answer) set on it first. */
    record Allow(List<Map.Entry<String, String>> headers, List<? extends CharSequence> names) implements AuthDecision {

        /** Removes what the client sent under the copied names, then sets the service's values. */
        public void applyTo(HttpHeaders request) {
            names.forEach(request::remove);
            headers.forEach(header -> request.add(header.getKey(), header.getValue()));
        }

        @Override
        public String toString() {
            return "Allow" + redacted(headers);
        }
    }

    /**
     * The proxy answers the client: a redirect to the sign-in page ({@code location}), the service's 401
     * (with its {@code WWW-Authenticate}) or 403, or 500 when the service could not say.
     * {@code headers} go on the answer as they came ({@code WWW-Authenticate}, {@code Set-Cookie}).
     */
    record Deny(HttpResponseStatus status, String location, String detail, List<Map.Entry<String, String>> headers)
            implements AuthDecision {

        @Override
        public String toString() {
            return "Deny[" + status + ", " + detail + ", " + redacted(headers) + "]";
        }
    }

    /** Header values are never shown: they carry cookies and tokens. */
    static String redacted(List<Map.Entry<String, String>> headers) {
        return headers.stream().map(Map.Entry::getKey).toList().toString();
    }
}
