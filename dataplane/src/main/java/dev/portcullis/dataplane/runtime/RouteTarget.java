package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.access.AccessGate;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.route.CanarySelector;
import dev.portcullis.dataplane.route.CorsPolicy;
import dev.portcullis.dataplane.route.HeaderRules;
import dev.portcullis.dataplane.route.PathRewrite;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.function.Function;

/**
 * What a matched route does, ready to serve: forward to {@code cluster}, after rewriting the path
 * ({@code rewrite}, or {@code null}), setting {@code X-Forwarded-Prefix} ({@code forwardedPrefix},
 * or {@code null}) and editing the request's fields ({@code requestHeaders}); or answer with
 * {@code redirect}; or, for exactly {@code /}, redirect to {@code appRoot}. Responses get
 * {@code responseHeaders} and the {@code cors} fields; {@code errorPages} stands in for the cluster
 * and makes error pages; {@code canary} sends some requests to {@code canaryCluster} instead of
 * {@code cluster}; {@code access} decides who gets in. Each part is {@code null} when the route does not ask for it.
 */
public record RouteTarget(UpstreamCluster cluster, PathRewrite rewrite, String forwardedPrefix, Route.Redirect redirect,
                          String appRoot, HeaderRules requestHeaders, HeaderRules responseHeaders, CorsPolicy cors,
                          ErrorPages errorPages, UpstreamCluster canaryCluster, CanarySelector canary, AccessGate access) {

    /** A target that forwards to the cluster as the request came. */
    public RouteTarget(UpstreamCluster cluster) {
        this(cluster, null, null, null, null, null, null, null, null);
    }

    public RouteTarget(UpstreamCluster cluster, PathRewrite rewrite, String forwardedPrefix, Route.Redirect redirect,
                       String appRoot, HeaderRules requestHeaders, HeaderRules responseHeaders, CorsPolicy cors,
                       ErrorPages errorPages) {
        this(cluster, rewrite, forwardedPrefix, redirect, appRoot, requestHeaders, responseHeaders, cors, errorPages, null,
                null, null);
    }

    public static RouteTarget of(Route route, Function<String, UpstreamCluster> clusters) {
        return new RouteTarget(clusters.apply(route.cluster()), route.rewrite() == null ? null : PathRewrite.parse(route.rewrite()),
                route.forwardedPrefix(), route.redirect(), route.appRoot(), HeaderRules.of(route.requestHeaders()),
                HeaderRules.of(route.responseHeaders()), CorsPolicy.of(route.cors()),
                route.errorBackend() == null ? null
                        : ErrorPages.of(route.errorBackend(), clusters.apply(route.errorBackend().cluster())),
                route.canary() == null ? null : clusters.apply(route.canary().cluster()), CanarySelector.of(route.canary()),
                AccessGate.of(route.access()));
    }

    /** The cluster this request goes to: the canary's when the route has one whose rules pick it, else the route's. */
    public UpstreamCluster clusterFor(HttpHeaders headers) {
        return canary != null && canary.toCanary(headers) ? canaryCluster : cluster;
    }

    /** Whether responses to this route are edited on their way to the client. */
    public boolean editsResponses() {
        return responseHeaders != null || cors != null;
    }
}
