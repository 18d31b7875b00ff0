package dev.portcullis.dataplane.metrics;

import dev.portcullis.dataplane.metrics.DataPlaneMetrics.CertificateExpiry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.HashMap;
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

    private record Registered(AtomicLong notAfter, Gauge expiry, Gauge timestamp) {
    }

    private final MeterRegistry registry;
    private Map<Place, Registered> registered = new HashMap<>();

    CertificateExpiryGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    synchronized void serve(List<CertificateExpiry> rows) {
        Map<Place, Registered> next = HashMap.newHashMap(rows.size());
        for (CertificateExpiry row : rows) {
            Place place = new Place(row.host(), row.certificate());
            Registered gauges = next.get(place);
            if (gauges == null) {
                gauges = registered.remove(place);
            }
            if (gauges == null) {
                gauges = register(place);
            }
            gauges.notAfter.set(row.notAfter().getEpochSecond());
            next.put(place, gauges);
        }
        registered.values().forEach(gone -> {
            registry.remove(gone.expiry);
            registry.remove(gone.timestamp);
        });
        registered = next;
    }

    private Registered register(Place place) {
        AtomicLong notAfter = new AtomicLong();
        Gauge expiry = Gauge.builder("portcullis.ssl.expire.time.seconds", notAfter, AtomicLong::get)
                .description("Expiry of the certificate served for a host, as Unix time in seconds")
                .tags("host", place.host(), "certificate", place.certificate())
                .strongReference(true).register(registry);
        Gauge timestamp = Gauge.builder("portcullis.certificate.expiry.timestamp.seconds", notAfter, AtomicLong::get)
                .description("Expiry (notAfter) of the certificate served for a host, as Unix time in seconds, by host and"
                        + " the Secret it came from (namespace/name; _default for the default certificate)")
                .tags("host", place.host(), "secret", place.certificate())
                .strongReference(true).register(registry);
        return new Registered(notAfter, expiry, timestamp);
    }
}
