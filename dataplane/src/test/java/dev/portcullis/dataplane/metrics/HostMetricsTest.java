package dev.portcullis.dataplane.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A host's request counters: 2xx and 5xx from the start (an error ratio sees the first error), the others once used. */
class HostMetricsTest {

    @Test
    void twoHundredsAndFiveHundredsStartAtZeroAndTheOtherClassesAppearWhenFirstAnswered() {
        DataPlaneMetrics metrics = new DataPlaneMetrics();
        HostMetrics host = metrics.host("shop.test");
        assertThat(metrics.scrape())
                .contains("portcullis_requests_total{host=\"shop.test\",status=\"2xx\"} 0.0")
                .contains("portcullis_requests_total{host=\"shop.test\",status=\"5xx\"} 0.0")
                .doesNotContain("status=\"4xx\"").doesNotContain("status=\"3xx\"").doesNotContain("status=\"1xx\"");

        host.record(404, 1_000_000);
        host.record(404, 1_000_000);
        host.record(200, 1_000_000);
        host.record(999, 1_000_000); // no class of its own: counted with the server errors

        assertThat(metrics.scrape())
                .contains("portcullis_requests_total{host=\"shop.test\",status=\"4xx\"} 2.0")
                .contains("portcullis_requests_total{host=\"shop.test\",status=\"2xx\"} 1.0")
                .contains("portcullis_requests_total{host=\"shop.test\",status=\"5xx\"} 1.0")
                .contains("portcullis_request_duration_seconds_count{host=\"shop.test\"} 4")
                .doesNotContain("status=\"3xx\"");
        assertThat(metrics.host("shop.test")).isSameAs(host);
    }
}
