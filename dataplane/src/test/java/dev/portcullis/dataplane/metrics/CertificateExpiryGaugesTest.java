package dev.portcullis.dataplane.metrics;

import dev.portcullis.dataplane.metrics.DataPlaneMetrics.CertificateExpiry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The expiry gauges follow what each snapshot serves: a renewed place shows its new date, a place gone disappears. */
class CertificateExpiryGaugesTest {

    @Test
    void gaugesFollowTheServedCertificates() {
        DataPlaneMetrics metrics = new DataPlaneMetrics();
        metrics.snapshotApplied(1, Duration.ZERO, List.of(row("a.test", "ns/a", 1000), row("b.test", "ns/b", 2000)));
        assertThat(metrics.scrape())
                .contains("portcullis_ssl_expire_time_seconds{certificate=\"ns/a\",host=\"a.test\"} 1000.0")
                .contains("portcullis_certificate_expiry_timestamp_seconds{host=\"b.test\",secret=\"ns/b\"} 2000.0");

        metrics.snapshotApplied(2, Duration.ZERO, List.of(row("a.test", "ns/a", 3000), row("c.test", "ns/c", 4000),
                row("c.test", "ns/c", 4000)));
        assertThat(metrics.scrape())
                .contains("portcullis_ssl_expire_time_seconds{certificate=\"ns/a\",host=\"a.test\"} 3000.0")
                .contains("portcullis_certificate_expiry_timestamp_seconds{host=\"a.test\",secret=\"ns/a\"} 3000.0")
                .contains("portcullis_ssl_expire_time_seconds{certificate=\"ns/c\",host=\"c.test\"} 4000.0")
                .doesNotContain("host=\"b.test\"");

        metrics.snapshotApplied(3, Duration.ZERO, List.of());
        assertThat(metrics.scrape()).doesNotContain("portcullis_ssl_expire_time_seconds{")
                .doesNotContain("portcullis_certificate_expiry_timestamp_seconds{");
    }

    private static CertificateExpiry row(String host, String certificate, long notAfter) {
        return new CertificateExpiry(host, certificate, Instant.ofEpochSecond(notAfter));
    }
}
