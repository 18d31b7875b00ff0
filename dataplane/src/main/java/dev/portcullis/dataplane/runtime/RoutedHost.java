package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.admin.DataPlaneMetrics.HostMetrics;
import dev.portcullis.dataplane.route.PathRouter;
import io.netty.handler.ssl.SslContext;

/** A virtual host ready to serve: the TLS context for its SNI name and the routes for its paths. */
public record RoutedHost(String hostname, SslContext sslContext, PathRouter<UpstreamCluster> routes,
                         boolean httpsRedirect, HostMetrics metrics) {
}
