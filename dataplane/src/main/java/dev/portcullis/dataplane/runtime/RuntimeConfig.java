package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.admin.DataPlaneMetrics.CertificateExpiry;
import dev.portcullis.dataplane.admin.DataPlaneMetrics.HostMetrics;
import dev.portcullis.dataplane.route.HostTable;
import io.netty.handler.ssl.SslContext;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A snapshot compiled for serving. Immutable: a new snapshot gives a new RuntimeConfig, swapped in
 * atomically; a connection reads the current one once, a request looks its route up in the current one.
 */
public record RuntimeConfig(
        long version,
        HostTable<RoutedHost> hosts,
        SslContext defaultSslContext,
        HostMetrics unmatchedHostMetrics,
        Map<String, UpstreamCluster> clusters,
        Set<String> certificateContentKeys,
        Set<SslContext> upstreamSslContexts,
        List<CertificateExpiry> certificateExpiries) {

    /** The context to present for a ClientHello's SNI name ({@code null} when the client sent none). */
    public SslContext sslContextFor(String sniHostname) {
        RoutedHost host = hosts.findNamed(sniHostname);
        return host == null ? defaultSslContext : host.sslContext();
    }
}
