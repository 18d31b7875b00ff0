package dev.portcullis.dataplane.proxy;

import dev.portcullis.dataplane.metrics.HostMetrics;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.ClientAuth;
import dev.portcullis.dataplane.route.CorsPolicy;
import dev.portcullis.dataplane.tls.ClientCertificate;
import dev.portcullis.dataplane.route.HostTable;
import dev.portcullis.dataplane.route.PathRouter;
import dev.portcullis.dataplane.runtime.ErrorPages;
import dev.portcullis.dataplane.runtime.RouteTarget;
import dev.portcullis.dataplane.runtime.RoutedHost;
import dev.portcullis.dataplane.runtime.RuntimeConfig;
import dev.portcullis.dataplane.runtime.UpstreamCluster;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;

/**
 * Where one well-formed request head goes, decided from the head, the configuration applied and
 * the connection it came on: to a cluster, or answered by the proxy itself. The head's target is
 * rewritten to what was routed (the normalised path in origin form), then to the route's rewrite
 * target when it has one: what the pod gets.
 */
final class RequestRouting {

    /** What the routing decided, and whose metrics count the exchange. */
    sealed interface Decision {
        HostMetrics metrics();

        /** The route matched, whose response edits the answer gets too; {@code null} before a route matched. */
        RouteTarget target();

        /** The host the request is for (its HSTS, its client authentication); {@code null} when none is. */
        RoutedHost host();
    }

    /** Forward to one of the cluster's endpoints (the route's own, or its error backend standing in). */
    record Forward(UpstreamCluster cluster, RouteTarget target, HostMetrics metrics, RoutedHost host) implements Decision {
    }

    /** A CORS preflight the proxy answers for the route (204, with the allowed methods and headers). */
    record Preflight(RouteTarget target, HostMetrics metrics, RoutedHost host) implements Decision {
    }

    /** The proxy answers; {@code close} when the connection cannot be trusted with another request. */
    record Answer(HttpResponseStatus status, String detail, boolean close, HostMetrics metrics, RouteTarget target,
                  RoutedHost host) implements Decision {

        Answer(HttpResponseStatus status, String detail, boolean close, HostMetrics metrics) {
            this(status, detail, close, metrics, null, null);
        }
    }

    /**
     * A redirect: a 308 to the https origin of the same name and target, or what a route asks for
     * (its permanent or temporal redirect, its app root, or a client-certificate error page).
     */
    record Redirect(HttpResponseStatus status, String location, HostMetrics metrics, RouteTarget target, RoutedHost host)
            implements Decision {

        Redirect(String location, HostMetrics metrics) {
            this(HttpResponseStatus.PERMANENT_REDIRECT, location, metrics, null, null);
        }
    }

    /** Sent to the pod when a route sets it (ingress-nginx's {@code x-forwarded-prefix}). */
    static final AsciiString X_FORWARDED_PREFIX = AsciiString.cached("x-forwarded-prefix");

    private RequestRouting() {
    }

    /**
     * @param scheme            {@code https} on the TLS listener, {@code http} on the plain one
     * @param sniHost           the host entry the connection's TLS handshake chose, or {@code null}
     * @param http2             the head is an HTTP/2 stream's
     * @param httpsRedirectPort the port a plain-HTTP redirect sends clients to
     * @param clientCertificate what the connection's client showed, verified for the SNI host
     */
    static Decision route(HttpRequest head, RuntimeConfig current, String scheme, String sniHost, boolean http2,
                          int httpsRedirectPort, ClientCertificate clientCertificate) {
        String ambiguity = OneMeaning.problem(head, http2);
        if (ambiguity != null) {
            return new Answer(head.method().equals(HttpMethod.CONNECT) ? HttpResponseStatus.METHOD_NOT_ALLOWED
                    : HttpResponseStatus.BAD_REQUEST, ambiguity, true, current.unmatchedHostMetrics());
        }
        String authority = RequestTarget.authority(head.uri());
        String hostname = HostTable.hostWithoutPort(authority != null ? authority : head.headers().get(HttpHeaderNames.HOST));
        RoutedHost host = current.hosts().find(hostname);
        String path = RequestTarget.normalizedPath(RequestTarget.path(head.uri()));
        String query = RequestTarget.query(head.uri());
        head.setUri(query.isEmpty() ? path : path + query);
        if (host == null) {
            return new Answer(HttpResponseStatus.NOT_FOUND, "no such host", false, current.unmatchedHostMetrics());
        }
        HostMetrics metrics = host.metrics();
        if (scheme.equals("http") && host.redirectsPlainHttp(path)) {
            return new Redirect(httpsLocation(hostname, httpsRedirectPort, head.uri()), metrics);
        }
        if (scheme.equals("http") && host.clientAuth() != null && host.acmeChallenges().route(path) == null) {
            // Plain HTTP carries no client certificate: a host that asks for one is never reached without TLS.
            return new Answer(HttpResponseStatus.FORBIDDEN, "this host takes requests over HTTPS only, with a client"
                    + " certificate", false, metrics, null, host);
        }
        if (scheme.equals("https")) {
            if (misdirected(current, sniHost, host)) {
                // The handshake was for a host entry whose certificate or TLS policy is not this host's.
                return new Answer(HttpResponseStatus.MISDIRECTED_REQUEST, "this connection's TLS was for another host",
                        true, metrics);
            }
            Decision refused = clientCertificateRefused(host, clientCertificate);
            if (refused != null) {
                return refused;
            }
        }
        if (host.isPassthrough()) {
            // Its endpoints speak TLS; plain HTTP cannot be routed to them.
            return new Answer(HttpResponseStatus.NOT_FOUND, "this host is served over TLS passthrough only", false, metrics);
        }
        PathRouter.Match<RouteTarget> matched = host.routes().match(path);
        if (matched == null) {
            return new Answer(HttpResponseStatus.NOT_FOUND, "no route for this path", false, metrics);
        }
        RouteTarget target = matched.target();
        if (target.cors() != null && CorsPolicy.isPreflight(head)) {
            return new Preflight(target, metrics, host);
        }
        if (target.appRoot() != null && path.equals("/")) { // before a redirect, as nginx's location does it
            String requestHost = authority != null ? authority : head.headers().get(HttpHeaderNames.HOST, hostname);
            return new Redirect(HttpResponseStatus.FOUND, scheme + "://" + requestHost + target.appRoot(), metrics, target,
                    host);
        }
        if (target.redirect() != null) {
            String location = target.redirect().location();
            return new Redirect(HttpResponseStatus.valueOf(target.redirect().code()),
                    location.contains(Route.REQUEST_URI) ? location.replace(Route.REQUEST_URI, head.uri()) : location, metrics,
                    target, host);
        }
        UpstreamCluster cluster = target.clusterFor(head.headers()); // the canary's, when its rules pick it
        if (cluster.balancer().size() == 0) {
            ErrorPages standIn = target.errorPages();
            if (standIn == null || standIn.cluster().balancer().size() == 0) {
                return new Answer(HttpResponseStatus.SERVICE_UNAVAILABLE, "no ready endpoint", false, metrics, target, host);
            }
            cluster = standIn.cluster(); // ingress-nginx's default-backend: it takes the request as it is
        }
        if (target.rewrite() != null) {
            head.setUri(target.rewrite().apply(matched.groups(), query));
        }
        if (target.forwardedPrefix() != null) {
            head.headers().set(X_FORWARDED_PREFIX, target.forwardedPrefix());
        }
        return new Forward(cluster, target, metrics, host);
    }

    /**
     * Whether an HTTPS request for {@code host} may not use this connection: its handshake was for
     * another host entry (SNI) with another certificate or TLS policy (RFC 9110 15.5.20; hosts that
     * share both may share a connection, as HTTP/2 clients coalesce), or it named no host, and this
     * host asks for a policy of its own (client certificates, versions, suites) that the default
     * handshake did not apply.
     */
    private static boolean misdirected(RuntimeConfig current, String sniHost, RoutedHost host) {
        if (sniHost == null) {
            return host.clientAuth() != null || !host.tlsIdentity().endsWith(current.defaultTlsPolicyKey());
        }
        if (sniHost.equals(host.hostname())) {
            return false;
        }
        RoutedHost handshaken = current.hosts().findNamed(sniHost);
        return handshaken == null || !handshaken.tlsIdentity().equals(host.tlsIdentity());
    }

    /**
     * A request the host's client authentication turns away before any pod sees it, as
     * ingress-nginx does: 400 (or a redirect to the host's error page) when a {@code required} host
     * got no valid certificate, or an {@code optional} one got an invalid certificate.
     */
    private static Decision clientCertificateRefused(RoutedHost host, ClientCertificate certificate) {
        if (host.clientAuth() == null) {
            return null;
        }
        ClientAuth settings = host.clientAuth().settings();
        boolean refused = switch (settings.mode()) {
            case REQUIRED -> certificate.status() != ClientCertificate.Status.SUCCESS;
            case OPTIONAL -> certificate.status() == ClientCertificate.Status.FAILED;
            case OPTIONAL_NO_CA -> false;
        };
        if (!refused) {
            return null;
        }
        if (settings.errorPage() != null) {
            return new Redirect(HttpResponseStatus.FOUND, settings.errorPage(), host.metrics(), null, host);
        }
        return new Answer(HttpResponseStatus.BAD_REQUEST, certificate.status() == ClientCertificate.Status.NONE
                ? "No required SSL certificate was sent" : "The SSL certificate error: " + certificate.failure(),
                false, host.metrics(), null, host);
    }

    private static String httpsLocation(String hostname, int port, String originFormTarget) {
        return "https://" + (hostname.indexOf(':') >= 0 ? "[" + hostname + "]" : hostname)
                + (port == 443 ? "" : ":" + port) + originFormTarget;
    }
}
