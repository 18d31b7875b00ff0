package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.metrics.DataPlaneMetrics.CertificateExpiry;
import dev.portcullis.dataplane.metrics.HostMetrics;
import dev.portcullis.dataplane.route.HostTable;
import dev.portcullis.dataplane.tls.ServerContext;
import io.netty.handler.ssl.SslContext;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * A snapshot compiled for serving. Immutable: a new snapshot gives a new RuntimeConfig, swapped in
 * atomically; a connection reads the current one once, a request looks its route up in the current one.
 * {@code defaultCertificate} and {@code hostCertificates} say what each place serves, for the next
 * snapshot's {@code keepServing} certificates. {@code defaultTlsPolicyKey} is the handshake policy of
 * connections that name no host (the listener's), as {@link RoutedHost#tlsIdentity()} ends: computed
 * once, since every request without SNI compares it. {@code keptPlaces} are the places whose certificate
 * is {@code keepServing} (by {@code hostCertificates}' names). {@code changes} says what changed
 * against the configuration served before, when this one was compiled from a delta; null when it was
 * compiled whole.
 */
public record RuntimeConfig(
        long version,
        HostTable<RoutedHost> hosts,
        ServerContext defaultTls,
        HostMetrics unmatchedHostMetrics,
        Map<String, UpstreamCluster> clusters,
        Set<String> certificateContentKeys,
        Set<SslContext> upstreamSslContexts,
        Collection<CertificateExpiry> certificateExpiries,
        dev.portcullis.dataplane.config.Limits limits,
        ServedCertificateOf defaultCertificate,
        Map<String, ServedCertificateOf> hostCertificates,
        Map<String, ServedCertificateOf> keptPlaces,
        ClientAddressRules clientAddresses,
        dev.portcullis.dataplane.config.AccessLogSettings accessLog,
        dev.portcullis.dataplane.config.DrainSettings drain,
        String defaultTlsPolicyKey,
        ConfigChanges changes) {

    /** Where {@code hostCertificates} keeps a host's RSA certificate beside its ECDSA one: under its name and this. */
    public static final String RSA_SUFFIX = "#rsa";

    /**
     * What this configuration serves for a host (by its name in the snapshot, wildcards as written),
     * or null when it serves no such host or serves it in passthrough.
     */
    public ServedCertificateOf certificateOf(String hostname) {
        return hostCertificates.get(hostname);
    }

}
