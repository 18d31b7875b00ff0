package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.BalancePolicy;
import dev.portcullis.dataplane.config.HashKey;
import dev.portcullis.dataplane.config.SessionAffinity;
import dev.portcullis.dataplane.config.ProxyProtocol;
import dev.portcullis.dataplane.config.UpstreamProtocol;
import dev.portcullis.dataplane.config.UpstreamTls;

import java.util.ArrayList;
import java.util.List;

/**
 * How an Ingress's annotations say to reach its backends: balancing, the PROXY header for
 * passthrough, TLS to the pods, HTTP/1.1 or HTTP/2, and its timeouts and body limit. Part of a
 * cluster's identity, so one Service reached two ways becomes two clusters.
 */
record ClusterSettings(BalancePolicy balance, ProxyProtocol proxyProtocol, BackendTls tls, UpstreamProtocol protocol,
                       ExchangeLimits limits, HashKey hashBy, SessionAffinity affinity, HealthSettings health) {

    ClusterSettings(BalancePolicy balance, ProxyProtocol proxyProtocol, BackendTls tls, UpstreamProtocol protocol,
                    ExchangeLimits limits) {
        this(balance, proxyProtocol, tls, protocol, limits, null, null, null);
    }

    ClusterSettings {
        protocol = protocol == null ? UpstreamProtocol.HTTP_1_1 : protocol;
        limits = limits == null ? ExchangeLimits.NONE : limits;
        health = health == null ? HealthSettings.DEFAULTS : health;
    }

    ClusterSettings(BalancePolicy balance, ProxyProtocol proxyProtocol, BackendTls tls) {
        this(balance, proxyProtocol, tls, UpstreamProtocol.HTTP_1_1, ExchangeLimits.NONE);
    }

    /**
     * Re-encryption settings before the Service is known.
     *
     * @param serverName        the annotation's name, or {@code null} for {@code <service>.<namespace>.svc}
     * @param caSecret          where {@code caPem} came from, for the cluster's name
     * @param clientCertificate the TlsCertificate name of the client certificate, or {@code null}
     */
    record BackendTls(String serverName, String caSecret, String caPem, boolean verify, String clientCertificate) {
    }

    UpstreamTls upstreamTls(String namespace, String service) {
        if (tls == null) {
            return null;
        }
        String serverName = tls.serverName() != null ? tls.serverName() : service + "." + namespace + ".svc";
        return new UpstreamTls(serverName, tls.caPem(), tls.verify(), tls.clientCertificate());
    }

    /** What sets the cluster apart from the plain one, for its name: empty for the defaults. */
    String describe(String namespace, String service) {
        if (isPlain()) {
            return ""; // most Ingresses: asked for every backend at every translation
        }
        List<String> parts = new ArrayList<>();
        if (protocol == UpstreamProtocol.HTTP_2) {
            parts.add("h2");
        }
        if (balance != BalancePolicy.ROUND_ROBIN) {
            parts.add(BalancingReader.word(balance) + (hashBy == null || hashBy.equals(HashKey.CLIENT_ADDRESS) ? "" : " " + hashBy));
        }
        if (affinity != null) {
            parts.add(AffinityDescription.of(affinity));
        }
        if (proxyProtocol != ProxyProtocol.OFF) {
            parts.add("proxy-protocol " + proxyProtocol.name().toLowerCase(java.util.Locale.ROOT));
        }
        UpstreamTls upstream = upstreamTls(namespace, service);
        if (upstream != null) {
            parts.add("tls to " + upstream.serverName());
            parts.add(!upstream.verify() ? "verify off" : tls.caSecret() == null ? "system CAs" : "ca " + tls.caSecret());
            if (upstream.clientCertificate() != null) {
                parts.add("client cert " + upstream.clientCertificate());
            }
        }
        parts.addAll(limits.describe());
        parts.addAll(health.describe());
        return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
    }

    private boolean isPlain() {
        return protocol == UpstreamProtocol.HTTP_1_1 && balance == BalancePolicy.ROUND_ROBIN && affinity == null
                && proxyProtocol == ProxyProtocol.OFF && tls == null && limits.equals(ExchangeLimits.NONE)
                && (health == HealthSettings.DEFAULTS || health.equals(HealthSettings.DEFAULTS));
    }
}
