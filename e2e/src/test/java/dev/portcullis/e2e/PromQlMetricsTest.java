package dev.portcullis.e2e;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The metric-name reader that ObservabilityBundleTest relies on, on the shapes rules and dashboards use. */
class PromQlMetricsTest {

    @Test
    void readsMetricNamesAndNothingElse() {
        assertThat(PromQlMetrics.in("""
                histogram_quantile(0.99, sum by (host, le) (rate(request_duration_seconds_bucket{host=~"$host", status!="5xx"}[$__rate_interval])))
                """)).containsExactly("request_duration_seconds_bucket");
        assertThat(PromQlMetrics.in("""
                (min by (certificate) (expire_time_seconds{certificate!="_default"}) - time()) < 1814400
                and
                (min by (certificate) (expire_time_seconds{certificate!="_default"}) - time()) >= 604800
                """)).containsExactly("expire_time_seconds");
        assertThat(PromQlMetrics.in("""
                max by (ns, dp) (ready_replicas) == 0
                and on (ns, dp) group_left (extra)
                max without (pod) (desired_replicas offset 5m) > bool 1e3
                unless ignoring (instance) absent(operator_version{namespace="by and on"})
                """)).containsExactly("ready_replicas", "desired_replicas", "operator_version");
        assertThat(PromQlMetrics.in("sum(rate(requests_total[5m])) by (host) / sum(rate(requests_total[1h30m:1m]))"))
                .containsExactly("requests_total");
        assertThat(PromQlMetrics.in("label_replace(up_like, \"dst\", \"$1\", \"src\", \"(.*)\") * on(job) group_right info"))
                .containsExactly("up_like", "info");
        assertThat(PromQlMetrics.in("label_values(requests_total{listener=\"https\"}, host)")).containsExactly("requests_total");
        assertThat(PromQlMetrics.in("label_values(host)")).isEmpty();
        assertThat(PromQlMetrics.in("max by (pod) (snapshot_version) - ${offset} * $factor")).containsExactly("snapshot_version");
    }
}
