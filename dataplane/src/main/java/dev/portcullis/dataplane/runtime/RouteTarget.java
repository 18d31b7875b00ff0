package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.route.PathRewrite;

/**
 * What a matched route does, ready to serve: forward to {@code cluster}, after rewriting the path
 * ({@code rewrite}, or {@code null}) and setting {@code X-Forwarded-Prefix} ({@code forwardedPrefix},
 * or {@code null}); or answer with {@code redirect}; or, for exactly {@code /}, redirect to {@code appRoot}.
 */
public record RouteTarget(UpstreamCluster cluster, PathRewrite rewrite, String forwardedPrefix, Route.Redirect redirect,
                          String appRoot) {

    public static RouteTarget of(Route route, UpstreamCluster cluster) {
        return new RouteTarget(cluster, route.rewrite() == null ? null : PathRewrite.parse(route.rewrite()),
                route.forwardedPrefix(), route.redirect(), route.appRoot());
    }
}
