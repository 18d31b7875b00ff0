package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.access.SourceRanges;
import dev.portcullis.dataplane.tls.ClientCertificateVerifier;
import io.netty.util.AsciiString;

import dev.portcullis.dataplane.metrics.HostMetrics;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.route.AcmeChallenge;
import dev.portcullis.dataplane.route.PathRouter;
import dev.portcullis.dataplane.tls.ServerContext;

/**
 * A virtual host ready to serve: the TLS context for its SNI name and the routes for its paths;
 * for a passthrough host, the cluster its connections are relayed to.
 *
 * @param acmeChallenges the routes that are ACME HTTP-01 solvers' ({@link AcmeChallenge}), which plain
 *                       HTTP reaches even when the host redirects to https
 * @param tlsIdentity    the certificate's name and the handshake policy: two hosts with the same one
 *                       may share a connection (coalescing); a request for another is 421
 * @param clientAuth     checks the client certificates of this host's connections, or {@code null}
 * @param hsts           the {@code Strict-Transport-Security} value for HTTPS responses, or {@code null}
 * @param tls            the TLS context for its certificate (built at its first handshake)
 * @param rsaTls         the context with the host's RSA certificate, for clients that cannot take the
 *                       ECDSA one of {@code tls}; or {@code null}
 */
public record RoutedHost(String hostname, TlsMode tlsMode, ServerContext tls, PathRouter<RouteTarget> routes,
                         PathRouter<RouteTarget> acmeChallenges, UpstreamCluster passthrough, boolean httpsRedirect,
                         HostMetrics metrics, String tlsIdentity, ClientCertificateVerifier clientAuth, AsciiString hsts,
                         ServerContext rsaTls, SourceRanges sourceRanges) {

    public RoutedHost(String hostname, TlsMode tlsMode, ServerContext tls, PathRouter<RouteTarget> routes,
                      PathRouter<RouteTarget> acmeChallenges, UpstreamCluster passthrough, boolean httpsRedirect,
                      HostMetrics metrics, String tlsIdentity, ClientCertificateVerifier clientAuth, AsciiString hsts,
                      ServerContext rsaTls) {
        this(hostname, tlsMode, tls, routes, acmeChallenges, passthrough, httpsRedirect, metrics, tlsIdentity,
                clientAuth, hsts, rsaTls, null);
    }

    /** Whether a passthrough connection from this address may be relayed. */
    public boolean admits(java.net.InetAddress client) {
        return sourceRanges == null || sourceRanges.admits(client);
    }

    /** The context for a client: the RSA one when the host has it and the client cannot take ECDSA. */
    public ServerContext tlsFor(boolean clientTakesEcdsa) {
        return rsaTls != null && !clientTakesEcdsa ? rsaTls : tls;
    }

    /**
     * Whether a plain-HTTP request for this path is redirected to https: yes on a host with the
     * redirect, unless the path is routed to an ACME challenge solver. (The route {@link #routes()}
     * picks for such a path is a challenge route too: a longer prefix or an exact path of it is
     * under the challenge path as well.)
     */
    public boolean redirectsPlainHttp(String path) {
        return httpsRedirect && acmeChallenges.route(path) == null;
    }

    public boolean isPassthrough() {
        return tlsMode == TlsMode.PASSTHROUGH;
    }
}
