package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.List;

/**
 * Client-certificate authentication for one host, as ingress-nginx's {@code auth-tls-*} gives it.
 *
 * @param mode                 whether a client must show a certificate its CAs issued
 * @param caPem                the CAs whose certificates are accepted (PEM); {@code null} only with
 *                             {@link Mode#OPTIONAL_NO_CA}
 * @param crlPem               certificate revocation lists of those CAs (PEM), or {@code null}
 * @param depth                the longest chain from the client's certificate to a CA of {@code caPem},
 *                             counting the client's (1: issued directly by one of them)
 * @param passCertificate      whether the pod receives the client's certificate ({@code ssl-client-cert},
 *                             URL-encoded PEM), beside the verification result, subject and issuer it always gets
 * @param errorPage            where a client without a valid certificate is redirected (302) instead of
 *                             getting 400, or {@code null}
 */
public record ClientAuth(Mode mode, String caPem, @JsonInclude(JsonInclude.Include.NON_NULL) String crlPem, int depth,
                         boolean passCertificate, @JsonInclude(JsonInclude.Include.NON_NULL) String errorPage) {

    public enum Mode {
        /** A certificate issued by the CAs is needed; without one the request never reaches the pod. */
        @JsonProperty("required") REQUIRED,
        /** A certificate is asked for; none is fine, an invalid one is refused. */
        @JsonProperty("optional") OPTIONAL,
        /** A certificate is asked for and passed on with its verification result; nothing is refused. */
        @JsonProperty("optional-no-ca") OPTIONAL_NO_CA
    }

    public static final int DEFAULT_DEPTH = 1;
    public static final int MAX_DEPTH = 10;

    public ClientAuth {
        mode = mode == null ? Mode.REQUIRED : mode;
        depth = depth == 0 ? DEFAULT_DEPTH : depth;
    }

    @JsonIgnore
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (mode != Mode.OPTIONAL_NO_CA && (caPem == null || caPem.isBlank())) {
            problems.add("clientAuth " + mode.name().toLowerCase(java.util.Locale.ROOT) + " needs caPem");
        }
        if (depth < 1 || depth > MAX_DEPTH) {
            problems.add("clientAuth depth " + depth + " is not between 1 and " + MAX_DEPTH);
        }
        if (errorPage != null && !(errorPage.startsWith("https://") || errorPage.startsWith("http://"))) {
            problems.add("clientAuth errorPage must be an absolute http(s) URL");
        }
        return problems;
    }
}
