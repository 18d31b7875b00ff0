package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.access.SourceRanges;
import dev.portcullis.dataplane.config.Hsts;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.metrics.DataPlaneMetrics;
import dev.portcullis.dataplane.route.AcmeChallenge;
import dev.portcullis.dataplane.route.PathRouter;
import dev.portcullis.dataplane.runtime.ServedCertificateOf.Origin;
import dev.portcullis.dataplane.tls.HandshakePolicy;
import dev.portcullis.dataplane.tls.InvalidCertificateException;
import dev.portcullis.dataplane.tls.ServerSslContexts;
import dev.portcullis.dataplane.tls.ServerSslContexts.ServedCertificate;
import io.netty.util.AsciiString;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One host of a snapshot compiled: the certificates it serves (its own, the default one, or, for a
 * {@code keepServing} certificate, what it is served now) and its routes, or the host the last
 * compile built from the same inputs. {@link RuntimeCompiler} calls it for every host of a whole
 * compile and for the touched hosts of a delta.
 */
final class HostCompiler {

    private final ServerSslContexts sslContexts;
    private final DataPlaneMetrics metrics;
    private final CompiledHosts compiled;

    HostCompiler(ServerSslContexts sslContexts, DataPlaneMetrics metrics, CompiledHosts compiled) {
        this.sslContexts = sslContexts;
        this.metrics = metrics;
        this.compiled = compiled;
    }

    /** A snapshot's certificates by name: the built ones, and which names are {@code keepServing}. */
    record Certificates(java.util.function.Function<String, ServedCertificate> built,
                                java.util.function.Predicate<String> keepServing) {
    }

    /** What compiling each host of one snapshot needs, and where it puts what it found. */
    record Build(Snapshot snapshot, RuntimeConfig previous, Certificates certificates,
                             ServedCertificateOf defaultCertificate, Map<String, TlsCertificate> certificatesByName,
                             Map<String, UpstreamCluster> clusters, ServedTables tables, StapledContexts stapled,
                             List<String> problems) {
    }

    /**
     * One host: the one the last compile built from the same inputs when there is one, else built
     * now; either way entered in the build's tables and stapled contexts. Null (and a problem added)
     * when its certificate cannot be served.
     */
    RoutedHost compile(VirtualHost host, Build build) {
        Snapshot snapshot = build.snapshot();
        HandshakePolicy policy = HandshakePolicy.of(snapshot.listener(), host.tls());
        ServedCertificateOf servedOf;
        try {
            servedOf = hostCertificate(host, build.previous(), build.certificates(), build.defaultCertificate(), policy);
        } catch (InvalidCertificateException e) {
            build.problems().add("host \"" + host.hostname() + "\": " + e.getMessage());
            return null;
        }
        ServedCertificate served = servedOf.served();
        ServedCertificate rsa = rsaCertificate(host, build.previous(), build.certificates(), policy);
        build.tables().add(host, servedOf, rsa);
        CompiledHosts.Inputs inputs = CompiledHosts.inputs(host, snapshot.listener(), servedOf, rsa,
                build.certificatesByName(), build.clusters());
        StapledContexts stapled = build.stapled();
        RoutedHost kept = compiled.host(inputs);
        if (kept != null) {
            // Nothing it was built from changed: its routes and contexts stay.
            stapled.kept(servedOf, kept.tls());
            if (rsa != null) {
                stapled.kept(new ServedCertificateOf(host.rsaCertificate(), rsa, Origin.OWN), kept.rsaTls());
            }
            compiled.builtHost(inputs, kept);
            return kept;
        }
        Map<String, UpstreamCluster> clusters = build.clusters();
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
        compiled.builtHost(inputs, routed);
        return routed;
    }

    /**
     * A host's certificate: its own, the default one when it names none, or, when it names a
     * {@code keepServing} certificate, the one of its own it is served now (by host name); a host
     * with none of its own gets the default certificate.
     */
    private ServedCertificateOf hostCertificate(VirtualHost host, RuntimeConfig previous, Certificates certificates,
                                                ServedCertificateOf defaultCertificate, HandshakePolicy policy) {
        String name = host.certificate();
        if (name == null) {
            return new ServedCertificateOf(defaultCertificate.name(),
                    sslContexts.withPolicy(defaultCertificate.served(), policy), Origin.DEFAULT);
        }
        if (!certificates.keepServing().test(name)) {
            return new ServedCertificateOf(name, sslContexts.withPolicy(certificates.built().apply(name), policy), Origin.OWN);
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
    private ServedCertificate rsaCertificate(VirtualHost host, RuntimeConfig previous, Certificates certificates,
                                             HandshakePolicy policy) {
        if (host.rsaCertificate() == null) {
            return null;
        }
        ServedCertificate own = certificates.built().apply(host.rsaCertificate());
        if (own != null) {
            return sslContexts.withPolicy(own, policy);
        }
        ServedCertificateOf kept = previous == null ? null : previous.certificateOf(host.hostname() + RuntimeConfig.RSA_SUFFIX);
        return kept == null ? null : sslContexts.withPolicy(kept.served(), policy);
    }
}
