package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.admin.DataPlaneMetrics;
import dev.portcullis.dataplane.admin.DataPlaneMetrics.CertificateExpiry;
import dev.portcullis.dataplane.balance.RoundRobinBalancer;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.InvalidSnapshotException;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.route.HostTable;
import dev.portcullis.dataplane.route.PathRouter;
import dev.portcullis.dataplane.tls.InvalidCertificateException;
import dev.portcullis.dataplane.tls.ServerSslContexts;
import dev.portcullis.dataplane.tls.ServerSslContexts.ServedCertificate;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a validated snapshot into a {@link RuntimeConfig}. Runs off the event loops. Unchanged
 * certificates reuse their SslContexts and unchanged clusters keep their balancers.
 */
public final class RuntimeCompiler {

    public static final String DEFAULT_CERTIFICATE = "_default";

    private final ServerSslContexts sslContexts;
    private final ServedCertificate generatedDefault;
    private final DataPlaneMetrics metrics;

    public RuntimeCompiler(ServerSslContexts sslContexts, ServedCertificate generatedDefault, DataPlaneMetrics metrics) {
        this.sslContexts = sslContexts;
        this.generatedDefault = generatedDefault;
        this.metrics = metrics;
    }

    /** Throws {@link InvalidSnapshotException} listing every problem when the snapshot cannot be served. */
    public RuntimeConfig compile(Snapshot snapshot, RuntimeConfig previous) {
        List<String> problems = new ArrayList<>(snapshot.validate());
        if (!problems.isEmpty()) {
            throw new InvalidSnapshotException(String.join("; ", problems));
        }
        Map<String, ServedCertificate> certificates = new HashMap<>();
        for (TlsCertificate certificate : snapshot.certificates()) {
            try {
                certificates.put(certificate.name(),
                        sslContexts.fromPem(certificate.certificateChainPem(), certificate.privateKeyPem()));
            } catch (InvalidCertificateException e) {
                problems.add("certificate \"" + certificate.name() + "\": " + e.getMessage());
            }
        }
        Map<String, UpstreamCluster> clusters = new HashMap<>();
        for (Cluster cluster : snapshot.clusters()) {
            try {
                clusters.put(cluster.name(), upstreamCluster(cluster, previous));
            } catch (UnknownHostException e) {
                problems.add("cluster \"" + cluster.name() + "\": endpoint address does not resolve: " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidSnapshotException(String.join("; ", problems));
        }

        ServedCertificate defaultCertificate = snapshot.defaultCertificate() == null
                ? generatedDefault : certificates.get(snapshot.defaultCertificate());
        String defaultName = snapshot.defaultCertificate() == null ? DEFAULT_CERTIFICATE : snapshot.defaultCertificate();
        Set<String> contentKeys = new HashSet<>();
        contentKeys.add(defaultCertificate.contentKey());
        List<CertificateExpiry> expiries = new ArrayList<>();
        expiries.add(new CertificateExpiry("_default", defaultName, defaultCertificate.keyMaterial().notAfter()));

        Map<String, RoutedHost> hosts = new LinkedHashMap<>();
        for (VirtualHost host : snapshot.virtualHosts()) {
            ServedCertificate served = host.certificate() == null ? defaultCertificate : certificates.get(host.certificate());
            contentKeys.add(served.contentKey());
            expiries.add(new CertificateExpiry(host.hostname(),
                    host.certificate() == null ? defaultName : host.certificate(), served.keyMaterial().notAfter()));
            List<Map.Entry<PathMatch, UpstreamCluster>> rules = new ArrayList<>();
            for (Route route : host.routes()) {
                rules.add(Map.entry(route.match(), clusters.get(route.cluster())));
            }
            hosts.put(host.hostname(), new RoutedHost(host.hostname(), served.context(), PathRouter.of(rules),
                    host.httpsRedirect(), metrics.host(host.hostname())));
        }
        return new RuntimeConfig(snapshot.version(), HostTable.of(hosts), defaultCertificate.context(),
                metrics.host("_unmatched"), Map.copyOf(clusters), Set.copyOf(contentKeys), List.copyOf(expiries));
    }

    private static UpstreamCluster upstreamCluster(Cluster cluster, RuntimeConfig previous) throws UnknownHostException {
        if (previous != null) {
            UpstreamCluster existing = previous.clusters().get(cluster.name());
            if (existing != null && existing.source().equals(cluster)) {
                return existing;
            }
        }
        List<InetSocketAddress> ready = new ArrayList<>();
        for (Endpoint endpoint : cluster.endpoints()) {
            if (endpoint.ready()) {
                // Endpoints are IP addresses (EndpointSlices); a name here resolves once, off the event loop.
                ready.add(new InetSocketAddress(InetAddress.getByName(endpoint.address()), endpoint.port()));
            }
        }
        return new UpstreamCluster(cluster, new RoundRobinBalancer(ready));
    }
}
