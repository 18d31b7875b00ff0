package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.metrics.DataPlaneMetrics;
import dev.portcullis.dataplane.balance.Balancer;
import dev.portcullis.dataplane.balance.Balancers;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Hsts;
import dev.portcullis.dataplane.config.InvalidSnapshotException;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.UpstreamProtocol;
import dev.portcullis.dataplane.config.UpstreamTls;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.access.SourceRanges;
import dev.portcullis.dataplane.health.ClusterHealth;
import dev.portcullis.dataplane.health.EndpointHealth;
import dev.portcullis.dataplane.health.HealthMetrics;
import dev.portcullis.dataplane.route.HostTable;
import dev.portcullis.dataplane.route.AcmeChallenge;
import dev.portcullis.dataplane.route.PathRouter;
import dev.portcullis.dataplane.runtime.ServedCertificateOf.Origin;
import dev.portcullis.dataplane.tls.HandshakePolicy;
import dev.portcullis.dataplane.tls.InvalidCertificateException;
import io.netty.util.AsciiString;
import dev.portcullis.dataplane.tls.ServerSslContexts.ServedCertificate;
import dev.portcullis.dataplane.tls.ServerSslContexts;
import dev.portcullis.dataplane.tls.ServerContext;
import dev.portcullis.dataplane.tls.UpstreamSslContexts;
import io.netty.handler.ssl.SslContext;

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
 * Turns a validated snapshot into a {@link RuntimeConfig}, off the event loops. Certificates are
 * parsed and checked here; contexts but the default one are built at first handshake
 * ({@link ServerContext}). Unchanged certificates keep their contexts, unchanged clusters their
 * balancers. A {@code keepServing} certificate (one the operator could not read) resolves against
 * the configuration served now: a host keeps the certificate of its own it is served, else gets the default.
 */
public final class RuntimeCompiler {

    public static final String DEFAULT_CERTIFICATE = "_default";
    public static final String GENERATED_DEFAULT = "generated-default";

    private final ServerSslContexts sslContexts;
    private final UpstreamSslContexts upstreamSslContexts;
    private final ServedCertificate generatedDefault;
    private final DataPlaneMetrics metrics;
    private final EndpointHealth health;
    private final CompiledHosts compiled = new CompiledHosts();

    public RuntimeCompiler(ServerSslContexts sslContexts, UpstreamSslContexts upstreamSslContexts,
                           ServedCertificate generatedDefault, DataPlaneMetrics metrics) {
        this.sslContexts = sslContexts;
        this.upstreamSslContexts = upstreamSslContexts;
        this.generatedDefault = generatedDefault;
        this.metrics = metrics;
        this.health = new EndpointHealth(new HealthMetrics(metrics.registry()));
    }

    /** What this data plane knows of its endpoints' health, across snapshots. */
    public EndpointHealth health() {
        return health;
    }

    /** Throws {@link InvalidSnapshotException} listing every problem when the snapshot cannot be served. */
    public RuntimeConfig compile(Snapshot snapshot, RuntimeConfig previous) {
        SnapshotIndex index = SnapshotIndex.of(snapshot);
        // Against the snapshot of the configuration served now, what changed: checked and rebuilt alone.
        SnapshotChanges changes = compiled.changes(previous, index);
        List<String> problems = new ArrayList<>(changes == null ? snapshot.validate()
                : IncrementalValidation.problems(index, changes));
        if (!problems.isEmpty()) {
            throw new InvalidSnapshotException(String.join("; ", problems));
        }
        compiled.forgetNext();
        HandshakePolicy listenerPolicy = HandshakePolicy.of(snapshot.listener(), null);
        Map<String, ServedCertificate> certificates = HashMap.newHashMap(snapshot.certificates().size());
        Set<String> keepServing = new HashSet<>();
        CertificatesAhead ahead = CertificatesAhead.build(snapshot.certificates(),
                certificate -> compiled.certificate(certificate, listenerPolicy),
                certificate -> sslContexts.fromPem(certificate.certificateChainPem(), certificate.privateKeyPem(), listenerPolicy));
        for (TlsCertificate certificate : snapshot.certificates()) {
            if (certificate.keepServing()) {
                keepServing.add(certificate.name());
                continue;
            }
            try {
                certificates.put(certificate.name(), compiled.builtCertificate(certificate, listenerPolicy, ahead.get(certificate)));
            } catch (InvalidCertificateException e) {
                problems.add("certificate \"" + certificate.name() + "\": " + e.getMessage());
            }
        }
        Map<String, TlsCertificate> certificatesByName = index.certificates();
        Map<String, UpstreamCluster> clusters = new HashMap<>();
        for (Cluster cluster : snapshot.clusters()) {
            try {
                clusters.put(cluster.name(), upstreamCluster(cluster, previous, certificatesByName));
            } catch (UnknownHostException e) {
                problems.add("cluster \"" + cluster.name() + "\": endpoint address " + e.getMessage() + " is not an IP address");
            } catch (InvalidCertificateException e) {
                problems.add("cluster \"" + cluster.name() + "\": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidSnapshotException(String.join("; ", problems));
        }

        ServedCertificateOf defaultCertificate = defaultCertificate(snapshot, previous, certificates, keepServing);
        // Hosts whose record and dependencies are the same as last time are kept without a look at their certificates.
        boolean keepUnchanged = changes != null && snapshot.listener().equals(compiled.listener())
                && defaultCertificate.equals(previous.defaultCertificate());
        Set<String> rebuiltClusters = keepUnchanged ? CompiledHosts.rebuiltClusters(previous, clusters) : Set.of();
        StapledContexts stapled = new StapledContexts(certificatesByName);
        ServedTables tables = new ServedTables(defaultCertificate, snapshot.virtualHosts().size());

        Map<String, RoutedHost> hosts = LinkedHashMap.newLinkedHashMap(snapshot.virtualHosts().size());
        for (VirtualHost host : snapshot.virtualHosts()) {
            CompiledHosts.Host unchanged = keepUnchanged
                    ? compiled.unchanged(host, changes.certificates(), rebuiltClusters) : null;
            if (unchanged != null) {
                RoutedHost kept = unchanged.routed();
                tables.add(host, unchanged.inputs().certificate(), unchanged.inputs().rsa());
                stapled.kept(unchanged.inputs().certificate(), kept.tls());
                if (unchanged.inputs().rsa() != null) {
                    stapled.kept(new ServedCertificateOf(host.rsaCertificate(), unchanged.inputs().rsa(), Origin.OWN),
                            kept.rsaTls());
                }
                hosts.put(host.hostname(), kept);
                compiled.keptUnchanged(unchanged);
                continue;
            }
            HandshakePolicy policy = HandshakePolicy.of(snapshot.listener(), host.tls());
            ServedCertificateOf servedOf;
            try {
                servedOf = hostCertificate(host, previous, certificates, keepServing, defaultCertificate, policy);
            } catch (InvalidCertificateException e) {
                problems.add("host \"" + host.hostname() + "\": " + e.getMessage());
                continue;
            }
            ServedCertificate served = servedOf.served();
            ServedCertificate rsa = rsaCertificate(host, previous, certificates, policy);
            tables.add(host, servedOf, rsa);
            CompiledHosts.Inputs inputs = CompiledHosts.inputs(host, snapshot.listener(), servedOf, rsa, certificatesByName, clusters);
            RoutedHost kept = compiled.host(inputs);
            if (kept != null) {
                // Nothing it was built from changed (a delta left it alone): its routes and contexts stay.
                stapled.kept(servedOf, kept.tls());
                if (rsa != null) {
                    stapled.kept(new ServedCertificateOf(host.rsaCertificate(), rsa, Origin.OWN), kept.rsaTls());
                }
                hosts.put(host.hostname(), kept);
                compiled.builtHost(inputs, kept);
                continue;
            }
            List<Map.Entry<PathMatch, RouteTarget>> rules = new ArrayList<>();
            for (Route route : host.routes()) {
                rules.add(Map.entry(route.match(), RouteTarget.of(route, clusters::get)));
            }
            List<Map.Entry<PathMatch, RouteTarget>> challenges = rules.stream()
                    .filter(rule -> AcmeChallenge.isChallengeRoute(rule.getKey())).toList();
            UpstreamCluster passthrough = host.tlsMode() == TlsMode.PASSTHROUGH
                    ? clusters.get(host.routes().getFirst().cluster()) : null;
            dev.portcullis.dataplane.metrics.HostMetrics hostMetrics = metrics.host(host.hostname());
            if (passthrough != null) {
                hostMetrics.passthrough();
            }
            Hsts hsts = host.hsts() != null ? host.hsts() : snapshot.listener().hsts();
            RoutedHost routed = new RoutedHost(host.hostname(), host.tlsMode(), stapled.of(servedOf),
                    PathRouter.of(rules), PathRouter.of(challenges), passthrough, host.httpsRedirect(), hostMetrics,
                    servedOf.name() + (rsa == null ? "" : "+" + host.rsaCertificate()) + "/" + served.policy().cacheKey(),
                    served.verifier(),
                    hsts.enabled() && host.tlsMode() != TlsMode.PASSTHROUGH ? AsciiString.of(hsts.headerValue()) : null,
                    rsa == null ? null : stapled.of(new ServedCertificateOf(host.rsaCertificate(), rsa, Origin.OWN)),
                    host.access() == null ? null : SourceRanges.of(host.access().allow(), host.access().deny()));
            hosts.put(host.hostname(), routed);
            compiled.builtHost(inputs, routed);
        }
        if (!problems.isEmpty()) {
            throw new InvalidSnapshotException(String.join("; ", problems));
        }
        ServerContext defaultContext = stapled.of(defaultCertificate);
        try {
            defaultContext.get(); // now (its staple too): connections without SNI get it; the others at first handshake
        } catch (InvalidCertificateException e) {
            throw new InvalidSnapshotException("default certificate \"" + defaultCertificate.name() + "\": " + e.getMessage());
        }
        Map<String, ServerContext> served = new HashMap<>();
        if (!snapshot.sessionTicketKeys().isEmpty()) {
            // Ticket keys belong to the contexts that hold sessions: with OpenSSL, one per handshake policy.
            served.put(defaultCertificate.served().sessions().contentKey(), defaultCertificate.served().sessions());
            tables.hostCertificates().values().forEach(of -> served.put(of.served().sessions().contentKey(), of.served().sessions()));
        }
        metrics.sessionTicketKeys(sslContexts.ticketKeys().apply(snapshot.sessionTicketKeys(), served));
        Set<SslContext> upstreamInUse = clusters.values().stream().map(UpstreamCluster::upstreamSsl)
                .filter(java.util.Objects::nonNull).collect(java.util.stream.Collectors.toSet());
        metrics.ocspStapled(stapled.count());
        RuntimeConfig config = new RuntimeConfig(snapshot.version(), HostTable.of(hosts), defaultContext,
                metrics.host("_unmatched"), Map.copyOf(clusters), tables.contentKeys(), Set.copyOf(upstreamInUse),
                tables.expiries(), snapshot.listener().limits(), defaultCertificate, tables.hostCertificates(),
                ClientAddressRules.of(snapshot.listener().clientAddress()), snapshot.listener().accessLog(),
                snapshot.listener().drain(), defaultCertificate.served().policy().cacheKey());
        compiled.keep(config, index);
        return config;
    }

    /**
     * The default certificate: the snapshot's, the generated one when it names none, or, when it
     * names a {@code keepServing} certificate, the default certificate served now (the generated one
     * when this data plane serves none yet).
     */
    private ServedCertificateOf defaultCertificate(Snapshot snapshot, RuntimeConfig previous,
                                                   Map<String, ServedCertificate> certificates, Set<String> keepServing) {
        String name = snapshot.defaultCertificate();
        if (name != null && !keepServing.contains(name)) {
            return new ServedCertificateOf(name, certificates.get(name), Origin.OWN);
        }
        if (name != null && previous != null && previous.defaultCertificate().origin() != Origin.NOTHING_TO_KEEP) {
            // The previous one, rebuilt for this snapshot's policy when that changed.
            ServedCertificateOf kept = previous.defaultCertificate();
            return new ServedCertificateOf(kept.name(), sslContexts.withPolicy(kept.served(),
                    HandshakePolicy.of(snapshot.listener(), null)), Origin.KEPT);
        }
        ServedCertificate generated = sslContexts.fromKeyMaterial(GENERATED_DEFAULT, generatedDefault.keyMaterial(),
                HandshakePolicy.of(snapshot.listener(), null));
        return new ServedCertificateOf(DEFAULT_CERTIFICATE, generated, name == null ? Origin.DEFAULT : Origin.NOTHING_TO_KEEP);
    }

    /**
     * A host's certificate: its own, the default one when it names none, or, when it names a
     * {@code keepServing} certificate, the one of its own it is served now (by host name); a host
     * with none of its own gets the default certificate.
     */
    private ServedCertificateOf hostCertificate(VirtualHost host, RuntimeConfig previous, Map<String, ServedCertificate> certificates,
                                                Set<String> keepServing, ServedCertificateOf defaultCertificate, HandshakePolicy policy) {
        String name = host.certificate();
        if (name == null) {
            return new ServedCertificateOf(defaultCertificate.name(),
                    sslContexts.withPolicy(defaultCertificate.served(), policy), Origin.DEFAULT);
        }
        if (!keepServing.contains(name)) {
            return new ServedCertificateOf(name, sslContexts.withPolicy(certificates.get(name), policy), Origin.OWN);
        }
        ServedCertificateOf now = previous == null ? null : previous.certificateOf(host.hostname());
        if (now != null && now.own()) {
            return new ServedCertificateOf(now.name(), sslContexts.withPolicy(now.served(), policy), Origin.KEPT);
        }
        return new ServedCertificateOf(defaultCertificate.name(), sslContexts.withPolicy(defaultCertificate.served(), policy),
                Origin.NOTHING_TO_KEEP);
    }

    /**
     * A host's RSA certificate beside its ECDSA one, under the host's policy; for a {@code keepServing}
     * one, the RSA certificate the host is served now, if any.
     */
    private ServedCertificate rsaCertificate(VirtualHost host, RuntimeConfig previous, Map<String, ServedCertificate> certificates,
                                             HandshakePolicy policy) {
        if (host.rsaCertificate() == null) {
            return null;
        }
        ServedCertificate own = certificates.get(host.rsaCertificate());
        if (own != null) {
            return sslContexts.withPolicy(own, policy);
        }
        ServedCertificateOf kept = previous == null ? null : previous.certificateOf(host.hostname() + RuntimeConfig.RSA_SUFFIX);
        return kept == null ? null : sslContexts.withPolicy(kept.served(), policy);
    }

    private UpstreamCluster upstreamCluster(Cluster cluster, RuntimeConfig previous,
                                            Map<String, TlsCertificate> certificates) throws UnknownHostException {
        SslContext upstreamSsl = null;
        UpstreamTls tls = cluster.upstreamTls();
        if (tls != null) {
            TlsCertificate client = tls.clientCertificate() == null ? null : certificates.get(tls.clientCertificate());
            upstreamSsl = upstreamSslContexts.get(tls, client == null ? null : client.certificateChainPem(),
                    client == null ? null : client.privateKeyPem(), cluster.protocol() == UpstreamProtocol.HTTP_2);
        }
        if (previous != null) {
            UpstreamCluster existing = previous.clusters().get(cluster.name());
            if (existing != null && existing.source().equals(cluster) && existing.upstreamSsl() == upstreamSsl) {
                return existing;
            }
        }
        List<InetSocketAddress> ready = Balancers.readyEndpoints(cluster);
        ClusterHealth endpointHealth = health.forCluster(cluster, ready);
        Balancer balancer = Balancers.forCluster(cluster, ready, endpointHealth);
        return new UpstreamCluster(cluster, balancer, upstreamSsl, endpointHealth);
    }
}
