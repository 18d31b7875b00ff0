package dev.portcullis.dataplane.metrics;

import dev.portcullis.dataplane.metrics.DataPlaneMetrics.CertificateExpiry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The certificate-expiry gauges, one per place served (host and certificate), kept across snapshots:
 * a place still served keeps its gauges and only its value is set, a new one is registered and one no
 * longer served is removed. (A {@code MultiGauge} that overwrites removes and registers every row on
 * every snapshot, which costs more than the rest of applying one change at thousands of hosts.)
 */
final class CertificateExpiryGauges {

    private record Place(String host, String certificate) {
    }

    private static final class Registered {
        final AtomicLong notAfter = new AtomicLong();
        Gauge expiry;
        Gauge timestamp;
        long servedIn;
    }

    private final MeterRegistry registry;
    private final Map<Place, Registered> registered = new HashMap<>();
    private long generation;

    CertificateExpiryGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The rows served from now on: each place's gauges registered once, its value set, places gone removed. */
    synchronized void serve(Collection<CertificateExpiry> rows) {
        long now = ++generation;
        int places = 0;
        for (CertificateExpiry row : rows) {
            Registered gauges = registered.computeIfAbsent(new Place(row.host(), row.certificate()), this::register);
            gauges.notAfter.set(row.notAfter().getEpochSecond());
            if (gauges.servedIn != now) {
                gauges.servedIn = now;
                places++;
            }
        }
        if (registered.size() > places) {
            registered.values().removeIf(gauges -> {
                if (gauges.servedIn == now) {
                    return false;
                }
                registry.remove(gauges.expiry);
                registry.remove(gauges.timestamp);
                return true;
            });
        }
    }

    /**
     * As {@link #serve}, given only what changed since the rows served: rows {@code gone} and rows
     * {@code added} (a place in both stays, with the added row's value).
     */
    synchronized void change(List<CertificateExpiry> gone, List<CertificateExpiry> added) {
        Set<Place> stay = HashSet.newHashSet(added.size());
        for (CertificateExpiry row : added) {
            Place place = new Place(row.host(), row.certificate());
            stay.add(place);
            Registered gauges = registered.computeIfAbsent(place, this::register);
            gauges.notAfter.set(row.notAfter().getEpochSecond());
            gauges.servedIn = generation;
        }
        for (CertificateExpiry row : gone) {
            Place place = new Place(row.host(), row.certificate());
            if (!stay.contains(place)) {
                Registered gauges = registered.remove(place);
                if (gauges != null) {
                    registry.remove(gauges.expiry);
                    registry.remove(gauges.timestamp);
                }
            }
        }
    }

    private Registered register(Place place) {
        Registered gauges = new Registered();
        gauges.expiry = Gauge.builder("portcullis.ssl.expire.time.seconds", gauges.notAfter, AtomicLong::get)
                .description("Expiry of the certificate served for a host, as Unix time in seconds")
                .tags("host", place.host(), "certificate", place.certificate())
                .strongReference(true).register(registry);
        gauges.timestamp = Gauge.builder("portcullis.certificate.expiry.timestamp.seconds", gauges.notAfter, AtomicLong::get)
                .description("Expiry (notAfter) of the certificate served for a host, as Unix time in seconds, by host and"
                        + " the Secret it came from (namespace/name; _default for the default certificate)")
                .tags("host", place.host(), "secret", place.certificate())
                .strongReference(true).register(registry);
        return gauges;
    }
}
