package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.metrics.DataPlaneMetrics;
import dev.portcullis.dataplane.balance.Balancer;
import dev.portcullis.dataplane.balance.Balancers;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.InvalidSnapshotException;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.config.UpstreamProtocol;
import dev.portcullis.dataplane.config.UpstreamTls;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.health.ClusterHealth;
import dev.portcullis.dataplane.health.EndpointHealth;
import dev.portcullis.dataplane.health.HealthMetrics;
import dev.portcullis.dataplane.route.HostTable;
import dev.portcullis.dataplane.runtime.ServedCertificateOf.Origin;
import dev.portcullis.dataplane.tls.HandshakePolicy;
import dev.portcullis.dataplane.tls.InvalidCertificateException;
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
    private final HostCompiler hostCompiler;

    public RuntimeCompiler(ServerSslContexts sslContexts, UpstreamSslContexts upstreamSslContexts,
                           ServedCertificate generatedDefault, DataPlaneMetrics metrics) {
        this.sslContexts = sslContexts;
        this.upstreamSslContexts = upstreamSslContexts;
        this.generatedDefault = generatedDefault;
        this.metrics = metrics;
        this.health = new EndpointHealth(new HealthMetrics(metrics.registry()));
        this.hostCompiler = new HostCompiler(sslContexts, metrics, compiled);
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
        List<String> problems = changes == null ? snapshot.validate()
                : IncrementalValidation.problems(index, changes, compiled.referrers());
        if (!problems.isEmpty()) {
            throw new InvalidSnapshotException(String.join("; ", problems));
        }
        compiled.forgetNext();
        if (changes != null && fewChangesUnderTheSameSettings(snapshot, changes)) {
            return compileChanges(snapshot, index, changes, previous);
        }
        return compileWhole(snapshot, index, previous);
    }

    /**
     * Whether what every host shares is as the last configuration compiled has it (the listener
     * settings and the default certificate: its name and record), and the snapshot changed less than
     * half of its records (a snapshot file read again is new records throughout). Then only the
     * records a delta touched, and the hosts that name them, need compiling.
     */
    private boolean fewChangesUnderTheSameSettings(Snapshot snapshot, SnapshotChanges changes) {
        Snapshot last = compiled.snapshot();
        String defaultName = snapshot.defaultCertificate();
        int records = snapshot.virtualHosts().size() + snapshot.clusters().size() + snapshot.certificates().size();
        return snapshot.listener().equals(last.listener()) && java.util.Objects.equals(defaultName, last.defaultCertificate())
                && (defaultName == null || !changes.certificates().contains(defaultName))
                && changes.hosts().size() + changes.clusters().size() + changes.certificates().size() <= records / 2;
    }

    /** Every certificate, cluster and host of the snapshot (those the last compile built from the same inputs kept). */
    private RuntimeConfig compileWhole(Snapshot snapshot, SnapshotIndex index, RuntimeConfig previous) {
        List<String> problems = new ArrayList<>();
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
            UpstreamCluster built = upstreamCluster(cluster, previous, certificatesByName, problems);
            if (built != null) {
                clusters.put(cluster.name(), built);
            }
        }
        throwIfAny(problems);

        HostCompiler.Certificates named = new HostCompiler.Certificates(certificates::get, keepServing::contains);
        ServedCertificateOf defaultCertificate = defaultCertificate(snapshot, previous, named);
        HostCompiler.Build build = new HostCompiler.Build(snapshot, previous, named, defaultCertificate, certificatesByName, clusters,
                new ServedTables(defaultCertificate, snapshot.virtualHosts().size()), new StapledContexts(certificatesByName),
                problems);
        Map<String, RoutedHost> hosts = HashMap.newHashMap(snapshot.virtualHosts().size());
        for (VirtualHost host : snapshot.virtualHosts()) {
            RoutedHost routed = hostCompiler.compile(host, build);
            if (routed != null) {
                hosts.put(host.hostname(), routed);
            }
        }
        throwIfAny(problems);
        ServerContext defaultContext = build.stapled().of(defaultCertificate);
        try {
            defaultContext.get(); // now (its staple too): connections without SNI get it; the others at first handshake
        } catch (InvalidCertificateException e) {
            throw new InvalidSnapshotException("default certificate \"" + defaultCertificate.name() + "\": " + e.getMessage());
        }
        metrics.sessionTicketKeys(sslContexts.ticketKeys().apply(snapshot.sessionTicketKeys(),
                sessionContexts(snapshot, defaultCertificate, build.tables().hostCertificates().values())));
        Set<SslContext> upstreamInUse = upstreamInUse(clusters);
        metrics.ocspStapled(build.stapled().count());
        RuntimeConfig config = new RuntimeConfig(snapshot.version(), HostTable.of(hosts), defaultContext,
                metrics.host("_unmatched"), Map.copyOf(clusters), build.tables().contentKeys(), upstreamInUse,
                build.tables().expiries(), snapshot.listener().limits(), defaultCertificate, build.tables().hostCertificates(),
                build.tables().keptPlaces(), ClientAddressRules.of(snapshot.listener().clientAddress()),
                snapshot.listener().accessLog(), snapshot.listener().drain(), defaultCertificate.served().policy().cacheKey(),
                null);
        compiled.keep(config, index, Referrers.of(snapshot.virtualHosts(), snapshot.clusters()), build.tables(),
                build.stapled());
        return config;
    }

    /**
     * The configuration served now with what the delta touched compiled again: the certificates and
     * clusters it changed, the clusters naming a changed certificate, and the hosts it changed or
     * that name a changed certificate or rebuilt cluster. Everything else is kept as it is, so this
     * takes time proportional to the change (and a copy of a few tables). The listener settings and
     * the default certificate are the last compile's ({@link #fewChangesUnderTheSameSettings}).
     */
    private RuntimeConfig compileChanges(Snapshot snapshot, SnapshotIndex index, SnapshotChanges changes,
                                         RuntimeConfig previous) {
        List<String> problems = new ArrayList<>();
        HandshakePolicy listenerPolicy = HandshakePolicy.of(snapshot.listener(), null);
        Map<String, TlsCertificate> certificatesByName = index.certificates();
        Referrers lastReferrers = compiled.referrers();
        compiled.startFromLast();
        List<TlsCertificate> changedCertificates = new ArrayList<>();
        for (String name : changes.certificates()) {
            compiled.forgetCertificate(name);
            TlsCertificate certificate = certificatesByName.get(name);
            if (certificate != null && !certificate.keepServing()) {
                changedCertificates.add(certificate);
            }
        }
        CertificatesAhead ahead = CertificatesAhead.build(changedCertificates,
                certificate -> compiled.certificate(certificate, listenerPolicy),
                certificate -> sslContexts.fromPem(certificate.certificateChainPem(), certificate.privateKeyPem(), listenerPolicy));
        for (TlsCertificate certificate : changedCertificates) {
            try {
                compiled.builtCertificate(certificate, listenerPolicy, ahead.get(certificate));
            } catch (InvalidCertificateException e) {
                problems.add("certificate \"" + certificate.name() + "\": " + e.getMessage());
            }
        }

        Referrers referrers = lastReferrers.copy();
        Map<String, UpstreamCluster> clusters = new HashMap<>(previous.clusters());
        Set<String> touchedClusters = new HashSet<>(changes.clusters());
        changes.certificates().forEach(name -> touchedClusters.addAll(lastReferrers.clustersNamingCertificate(name)));
        Set<String> rebuiltClusters = new HashSet<>();
        boolean upstreamTlsTouched = false;
        for (String name : touchedClusters) {
            UpstreamCluster before = clusters.remove(name);
            Cluster cluster = index.clusters().get(name);
            if (before != null) {
                referrers.remove(before.source());
                upstreamTlsTouched |= before.upstreamSsl() != null;
            }
            UpstreamCluster now = null;
            if (cluster != null) {
                referrers.add(cluster);
                now = upstreamCluster(cluster, previous, certificatesByName, problems);
                if (now != null) {
                    clusters.put(name, now);
                    upstreamTlsTouched |= now.upstreamSsl() != null;
                }
            }
            if (now != before) {
                rebuiltClusters.add(name);
            }
        }
        throwIfAny(problems);

        HostCompiler.Certificates named = new HostCompiler.Certificates(compiled::nextCertificate, name -> {
            TlsCertificate certificate = certificatesByName.get(name);
            return certificate != null && certificate.keepServing();
        });
        ServedCertificateOf defaultCertificate = defaultCertificate(snapshot, previous, named);
        if (!defaultCertificate.equals(previous.defaultCertificate())) {
            // Its context was rebuilt (cached ones are kept while served): every host is compiled again.
            compiled.forgetNext();
            return compileWhole(snapshot, index, previous);
        }
        Set<String> touchedHosts = new HashSet<>(changes.hosts());
        changes.certificates().forEach(name -> touchedHosts.addAll(lastReferrers.hostsNamingCertificate(name)));
        rebuiltClusters.forEach(name -> touchedHosts.addAll(lastReferrers.hostsNamingCluster(name)));
        HostCompiler.Build build = new HostCompiler.Build(snapshot, previous, named, defaultCertificate, certificatesByName, clusters,
                new ServedTables(compiled.tables()), new StapledContexts(compiled.stapled(), certificatesByName), problems);
        // What the touched hosts served is released before any is built again: a certificate's staple may have changed.
        List<String> gone = new ArrayList<>();
        for (String hostname : touchedHosts) {
            CompiledHosts.Host last = compiled.last(hostname);
            if (last != null) {
                VirtualHost host = last.inputs().host();
                build.tables().remove(host, last.inputs().certificate(), last.inputs().rsa());
                build.stapled().release(last.inputs().certificate(), last.routed().tls());
                if (last.inputs().rsa() != null) {
                    build.stapled().release(new ServedCertificateOf(host.rsaCertificate(), last.inputs().rsa(), Origin.OWN),
                            last.routed().rsaTls());
                }
                referrers.remove(host);
                compiled.forgetHost(hostname);
                if (!index.hosts().containsKey(hostname)) {
                    gone.add(hostname);
                }
            }
        }
        Map<String, RoutedHost> upserted = HashMap.newHashMap(touchedHosts.size());
        Map<String, ServerContext> newSessions = new HashMap<>();
        for (String hostname : touchedHosts) {
            VirtualHost host = index.hosts().get(hostname);
            if (host == null) {
                continue;
            }
            referrers.add(host);
            RoutedHost routed = hostCompiler.compile(host, build);
            if (routed != null) {
                upserted.put(hostname, routed);
                for (String place : List.of(hostname, hostname + RuntimeConfig.RSA_SUFFIX)) {
                    ServedCertificateOf servedOf = build.tables().hostCertificates().get(place);
                    if (servedOf != null) {
                        newSessions.put(servedOf.served().sessions().contentKey(), servedOf.served().sessions());
                    }
                }
            }
        }
        throwIfAny(problems);
        ServerContext defaultContext = previous.defaultTls();
        if (snapshot.sessionTicketKeys().equals(compiled.snapshot().sessionTicketKeys())) {
            metrics.sessionTicketKeys(sslContexts.ticketKeys().alsoHeldBy(newSessions));
        } else {
            metrics.sessionTicketKeys(sslContexts.ticketKeys().apply(snapshot.sessionTicketKeys(),
                    sessionContexts(snapshot, defaultCertificate, build.tables().hostCertificates().values())));
        }
        Set<SslContext> upstreamInUse = upstreamTlsTouched ? upstreamInUse(clusters) : previous.upstreamSslContexts();
        metrics.ocspStapled(build.stapled().count());
        RuntimeConfig config = new RuntimeConfig(snapshot.version(), previous.hosts().with(upserted, gone), defaultContext,
                previous.unmatchedHostMetrics(), java.util.Collections.unmodifiableMap(clusters), build.tables().contentKeys(),
                upstreamInUse, build.tables().expiries(), snapshot.listener().limits(), defaultCertificate,
                build.tables().hostCertificates(), build.tables().keptPlaces(), previous.clientAddresses(),
                snapshot.listener().accessLog(), snapshot.listener().drain(), previous.defaultTlsPolicyKey(),
                new ConfigChanges(Set.copyOf(rebuiltClusters), build.tables().changes()));
        compiled.keep(config, index, referrers, build.tables(), build.stapled());
        return config;
    }

    /** The contexts holding sessions, by content key (ticket keys belong to them: with OpenSSL, one per handshake policy). */
    private static Map<String, ServerContext> sessionContexts(Snapshot snapshot, ServedCertificateOf defaultCertificate,
                                                             java.util.Collection<ServedCertificateOf> hostCertificates) {
        Map<String, ServerContext> served = new HashMap<>();
        if (!snapshot.sessionTicketKeys().isEmpty()) {
            served.put(defaultCertificate.served().sessions().contentKey(), defaultCertificate.served().sessions());
            hostCertificates.forEach(of -> served.put(of.served().sessions().contentKey(), of.served().sessions()));
        }
        return served;
    }

    private static Set<SslContext> upstreamInUse(Map<String, UpstreamCluster> clusters) {
        return clusters.values().stream().map(UpstreamCluster::upstreamSsl)
                .filter(java.util.Objects::nonNull).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    private static void throwIfAny(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new InvalidSnapshotException(String.join("; ", problems));
        }
    }

    /**
     * The default certificate: the snapshot's, the generated one when it names none, or, when it
     * names a {@code keepServing} certificate, the default certificate served now (the generated one
     * when this data plane serves none yet).
     */
    private ServedCertificateOf defaultCertificate(Snapshot snapshot, RuntimeConfig previous, HostCompiler.Certificates certificates) {
        String name = snapshot.defaultCertificate();
        if (name != null && !certificates.keepServing().test(name)) {
            return new ServedCertificateOf(name, certificates.built().apply(name), Origin.OWN);
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

    /** The cluster built, or the one served now when it is the same; null (and a problem added) when it cannot be. */
    private UpstreamCluster upstreamCluster(Cluster cluster, RuntimeConfig previous, Map<String, TlsCertificate> certificates,
                                            List<String> problems) {
        try {
            return upstreamCluster(cluster, previous, certificates);
        } catch (UnknownHostException e) {
            problems.add("cluster \"" + cluster.name() + "\": endpoint address " + e.getMessage() + " is not an IP address");
        } catch (InvalidCertificateException e) {
            problems.add("cluster \"" + cluster.name() + "\": " + e.getMessage());
        }
        return null;
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
