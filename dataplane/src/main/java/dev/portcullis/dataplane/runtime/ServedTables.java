package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.metrics.DataPlaneMetrics.CertificateExpiry;
import dev.portcullis.dataplane.runtime.ServedCertificateOf.Origin;
import dev.portcullis.dataplane.tls.ServerSslContexts.ServedCertificate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tables of one configuration with an entry per host: what each host serves (by host name, RSA
 * beside ECDSA under {@link RuntimeConfig#RSA_SUFFIX}), the content keys in use, the expiry rows. Built
 * for one configuration and never changed after, so it hands out views, not copies.
 */
final class ServedTables {

    private final Map<String, ServedCertificateOf> hostCertificates;
    private final Set<String> contentKeys;
    private final List<CertificateExpiry> expiries;

    ServedTables(ServedCertificateOf defaultCertificate, int hosts) {
        hostCertificates = HashMap.newHashMap(hosts);
        contentKeys = HashSet.newHashSet(hosts + 1);
        expiries = new ArrayList<>(hosts + 1);
        contentKeys.add(defaultCertificate.served().contentKey());
        expiries.add(new CertificateExpiry("_default", defaultCertificate.name(),
                defaultCertificate.served().keyMaterial().notAfter()));
    }

    /** What one host serves: its certificate (none kept for a passthrough host) and its RSA one, if any. */
    void add(VirtualHost host, ServedCertificateOf servedOf, ServedCertificate rsa) {
        if (host.tlsMode() != TlsMode.PASSTHROUGH) {
            hostCertificates.put(host.hostname(), servedOf);
        }
        contentKeys.add(servedOf.served().contentKey());
        expiries.add(new CertificateExpiry(host.hostname(), servedOf.name(), servedOf.served().keyMaterial().notAfter()));
        if (rsa != null) {
            hostCertificates.put(host.hostname() + RuntimeConfig.RSA_SUFFIX,
                    new ServedCertificateOf(host.rsaCertificate(), rsa, Origin.OWN));
            contentKeys.add(rsa.contentKey());
            expiries.add(new CertificateExpiry(host.hostname(), host.rsaCertificate(), rsa.keyMaterial().notAfter()));
        }
    }

    Map<String, ServedCertificateOf> hostCertificates() {
        return Collections.unmodifiableMap(hostCertificates);
    }

    Set<String> contentKeys() {
        return Collections.unmodifiableSet(contentKeys);
    }

    List<CertificateExpiry> expiries() {
        return Collections.unmodifiableList(expiries);
    }
}
