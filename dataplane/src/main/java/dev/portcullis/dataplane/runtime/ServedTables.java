package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.metrics.DataPlaneMetrics.CertificateExpiry;
import dev.portcullis.dataplane.runtime.ServedCertificateOf.Origin;
import dev.portcullis.dataplane.tls.ServerSslContexts.ServedCertificate;

import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The tables of one configuration with an entry per host: what each host serves (by host name, RSA
 * beside ECDSA under {@link RuntimeConfig#RSA_SUFFIX}), the content keys in use (counted, so that a
 * host leaving says whether its key is still served), the expiry rows, the places that keep their
 * certificate. The tables of a configuration compiled from a delta are a copy of the last ones with
 * the touched hosts {@linkplain #remove removed} and {@linkplain #add added} again; what that changed
 * is logged for the gauges. Once its configuration is built, a table is never changed again, so it
 * hands out views, not copies.
 */
final class ServedTables {

    private final CertificateExpiry defaultRow;
    private final Map<String, ServedCertificateOf> hostCertificates;
    private final Map<String, Integer> contentKeyUses;
    private final Map<String, CertificateExpiry> rows;
    /** The places whose certificate is {@code keepServing}: the few {@link KeptCertificates} reports on. */
    private final Map<String, ServedCertificateOf> keptPlaces;
    /** What a copy changed (null for tables built whole: nothing to log). */
    private final List<CertificateExpiry> rowsGone;
    private final List<CertificateExpiry> rowsAdded;
    private boolean contentKeyGone;

    ServedTables(ServedCertificateOf defaultCertificate, int hosts) {
        hostCertificates = HashMap.newHashMap(hosts);
        contentKeyUses = HashMap.newHashMap(hosts + 1);
        rows = HashMap.newHashMap(hosts);
        keptPlaces = new HashMap<>();
        rowsGone = null;
        rowsAdded = null;
        contentKeyUses.put(defaultCertificate.served().contentKey(), 1);
        defaultRow = new CertificateExpiry("_default", defaultCertificate.name(),
                defaultCertificate.served().keyMaterial().notAfter());
    }

    /** A copy of {@code last}'s tables (the default certificate's included), with nothing logged yet. */
    ServedTables(ServedTables last) {
        defaultRow = last.defaultRow;
        hostCertificates = new HashMap<>(last.hostCertificates);
        contentKeyUses = new HashMap<>(last.contentKeyUses);
        rows = new HashMap<>(last.rows);
        keptPlaces = new HashMap<>(last.keptPlaces);
        rowsGone = new ArrayList<>();
        rowsAdded = new ArrayList<>();
    }

    /** What one host serves: its certificate (none kept for a passthrough host) and its RSA one, if any. */
    void add(VirtualHost host, ServedCertificateOf servedOf, ServedCertificate rsa) {
        if (host.tlsMode() != TlsMode.PASSTHROUGH) {
            hostCertificates.put(host.hostname(), servedOf);
            if (servedOf.origin() == Origin.KEPT || servedOf.origin() == Origin.NOTHING_TO_KEEP) {
                keptPlaces.put(host.hostname(), servedOf);
            }
        }
        use(servedOf.served().contentKey());
        addRow(host.hostname(), new CertificateExpiry(host.hostname(), servedOf.name(), servedOf.served().keyMaterial().notAfter()));
        if (rsa != null) {
            hostCertificates.put(host.hostname() + RuntimeConfig.RSA_SUFFIX,
                    new ServedCertificateOf(host.rsaCertificate(), rsa, Origin.OWN));
            use(rsa.contentKey());
            addRow(host.hostname() + RuntimeConfig.RSA_SUFFIX,
                    new CertificateExpiry(host.hostname(), host.rsaCertificate(), rsa.keyMaterial().notAfter()));
        }
    }

    /** Takes out what {@link #add} put in for this host, given what it was added with. */
    void remove(VirtualHost host, ServedCertificateOf servedOf, ServedCertificate rsa) {
        if (host.tlsMode() != TlsMode.PASSTHROUGH) {
            hostCertificates.remove(host.hostname());
            keptPlaces.remove(host.hostname());
        }
        release(servedOf.served().contentKey());
        removeRow(host.hostname());
        if (rsa != null) {
            hostCertificates.remove(host.hostname() + RuntimeConfig.RSA_SUFFIX);
            release(rsa.contentKey());
            removeRow(host.hostname() + RuntimeConfig.RSA_SUFFIX);
        }
    }

    private void use(String contentKey) {
        contentKeyUses.merge(contentKey, 1, Integer::sum);
    }

    private void release(String contentKey) {
        if (contentKeyUses.computeIfPresent(contentKey, (key, uses) -> uses == 1 ? null : uses - 1) == null) {
            contentKeyGone = true;
        }
    }

    private void addRow(String place, CertificateExpiry row) {
        rows.put(place, row);
        if (rowsAdded != null) {
            rowsAdded.add(row);
        }
    }

    private void removeRow(String place) {
        CertificateExpiry gone = rows.remove(place);
        if (gone != null && rowsGone != null) {
            rowsGone.add(gone);
        }
    }

    Map<String, ServedCertificateOf> hostCertificates() {
        return Collections.unmodifiableMap(hostCertificates);
    }

    Map<String, ServedCertificateOf> keptPlaces() {
        return Collections.unmodifiableMap(keptPlaces);
    }

    Set<String> contentKeys() {
        return Collections.unmodifiableSet(contentKeyUses.keySet());
    }

    /** The default certificate's expiry row and every host's. */
    Collection<CertificateExpiry> expiries() {
        return new AbstractCollection<>() {
            @Override
            public Iterator<CertificateExpiry> iterator() {
                return Stream.concat(Stream.of(defaultRow), rows.values().stream()).iterator();
            }

            @Override
            public int size() {
                return rows.size() + 1;
            }
        };
    }

    /** What changed since the tables this copy was made from: rows gone and added, and whether a content key went. */
    ConfigChanges.Tables changes() {
        return new ConfigChanges.Tables(List.copyOf(rowsGone), List.copyOf(rowsAdded), contentKeyGone);
    }
}
