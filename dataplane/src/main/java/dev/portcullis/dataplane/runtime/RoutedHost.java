package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.metrics.DataPlaneMetrics.HostMetrics;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.route.PathRouter;
import io.netty.handler.ssl.SslContext;

/**
 * A virtual host ready to serve: the TLS context for its SNI name and the routes for its paths;
 * for a passthrough host, the cluster its connections are relayed to.
 */
public record RoutedHost(String hostname, TlsMode tlsMode, SslContext sslContext, PathRouter<UpstreamCluster> routes,
                         UpstreamCluster passthrough, boolean httpsRedirect, HostMetrics metrics) {

    public boolean isPassthrough() {
        return tlsMode == TlsMode.PASSTHROUGH;
    }
}
