package dev.portcullis.dataplane.config;

import java.util.List;

/**
 * A host name served by the proxy.
 *
 * @param hostname      an exact name ({@code app.example.com}); {@code *.example.com} for any single
 *                      label in front of {@code example.com}; or {@value #ANY_HOST} for requests whose
 *                      host matches no other virtual host
 * @param tlsMode       how TLS for this host is handled on the TLS listener
 * @param certificate   the {@link TlsCertificate#name()} to present; {@code null} means the default
 * @param routes        path rules, in any order (matching order is defined by {@link PathMatch})
 * @param httpsRedirect whether the plain listener answers with a 308 to https instead of routing
 *                      (never for a route under {@code /.well-known/acme-challenge}: an ACME HTTP-01
 *                      solver's, which the CA fetches over plain HTTP)
 * @param tls           how the TLS listener handshakes for this host where it differs from the
 *                      listener's defaults, or {@code null}
 * @param hsts          the host's {@code Strict-Transport-Security}, or {@code null} for the listener's
 * @param rsaCertificate an RSA certificate served instead of {@code certificate} (then an ECDSA one) to
 *                      clients that cannot take ECDSA, or {@code null}
 * @param access        a passthrough host's source ranges (checked on the ClientHello), or {@code null}
 */
public record VirtualHost(String hostname, TlsMode tlsMode, String certificate, List<Route> routes,
                          boolean httpsRedirect, TlsPolicy tls, Hsts hsts, String rsaCertificate,
                          AccessRules access) {

    public static final String ANY_HOST = "*";

    public VirtualHost {
        tlsMode = tlsMode == null ? TlsMode.TERMINATE : tlsMode;
        routes = Lists.copyOrEmpty(routes);
        tls = tls == null || tls.isDefault() ? null : tls;
    }

    public VirtualHost(String hostname, TlsMode tlsMode, String certificate, List<Route> routes, boolean httpsRedirect,
                       TlsPolicy tls, Hsts hsts, String rsaCertificate) {
        this(hostname, tlsMode, certificate, routes, httpsRedirect, tls, hsts, rsaCertificate, null);
    }

    public VirtualHost(String hostname, TlsMode tlsMode, String certificate, List<Route> routes, boolean httpsRedirect) {
        this(hostname, tlsMode, certificate, routes, httpsRedirect, null, null, null);
    }

    public VirtualHost(String hostname, TlsMode tlsMode, String certificate, List<Route> routes, boolean httpsRedirect,
                       TlsPolicy tls, Hsts hsts) {
        this(hostname, tlsMode, certificate, routes, httpsRedirect, tls, hsts, null);
    }

    public VirtualHost(String hostname, TlsMode tlsMode, String certificate, List<Route> routes) {
        this(hostname, tlsMode, certificate, routes, false);
    }
}
