package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.metrics.DataPlaneMetrics;
import dev.portcullis.dataplane.runtime.ServedCertificateOf.Origin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Says what became of {@code keepServing} certificates (ones the operator could not read) when a
 * configuration is swapped in: a line when a place starts keeping its certificate (INFO) or starts on
 * the default because it had none to keep (WARN), once, not again while it stays so; and the
 * {@code portcullis_certificates_kept} gauges. Names, serials and dates only: never key material.
 */
final class KeptCertificates {

    private static final Logger LOG = LoggerFactory.getLogger(KeptCertificates.class);

    private KeptCertificates() {
    }

    static void report(RuntimeConfig previous, RuntimeConfig next, DataPlaneMetrics metrics) {
        int kept = 0;
        int onDefault = 0;
        if (count(next.defaultCertificate(), Origin.KEPT)) {
            kept++;
        } else if (count(next.defaultCertificate(), Origin.NOTHING_TO_KEEP)) {
            onDefault++;
        }
        report("the default certificate", previous == null ? null : previous.defaultCertificate(), next.defaultCertificate(),
                "the generated default certificate");
        // Only the two outcomes of keepServing are counted or said: the places that have one are few.
        for (Map.Entry<String, ServedCertificateOf> entry : next.keptPlaces().entrySet()) {
            ServedCertificateOf now = entry.getValue();
            kept += count(now, Origin.KEPT) ? 1 : 0;
            onDefault += count(now, Origin.NOTHING_TO_KEEP) ? 1 : 0;
            report("host " + entry.getKey(), previous == null ? null : previous.certificateOf(entry.getKey()), now,
                    "the default certificate");
        }
        metrics.certificatesKept(kept, onDefault);
    }

    private static boolean count(ServedCertificateOf served, Origin origin) {
        return served != null && served.origin() == origin;
    }

    private static void report(String place, ServedCertificateOf before, ServedCertificateOf now, String fallback) {
        if (before != null && before.origin() == now.origin()) {
            return;
        }
        if (now.origin() == Origin.KEPT) {
            var leaf = now.served().keyMaterial().leaf();
            LOG.info("{}: the operator could not read its certificate; it keeps the one it is served (\"{}\", serial {},"
                    + " valid until {}) until the operator sends a good one", place, now.name(),
                    leaf.getSerialNumber().toString(16), now.served().keyMaterial().notAfter());
        } else if (now.origin() == Origin.NOTHING_TO_KEEP) {
            LOG.warn("{}: the operator could not read its certificate and this data plane served none of its own to keep;"
                    + " it is served {} until the operator sends a good one", place, fallback);
        }
    }
}
