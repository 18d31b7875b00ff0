package dev.portcullis.dataplane.health;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The usable-endpoints gauge has one row per cluster served, reading the health that cluster is served with. */
class HealthMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final HealthMetrics metrics = new HealthMetrics(registry);

    @Test
    void rowsFollowTheClustersServedAndARebuiltClusterIsReadFromItsNewHealth() {
        ClusterHealth shop = health("shop", "10.0.0.1", "10.0.0.2");
        ClusterHealth api = health("api", "10.0.0.3");
        metrics.clustersServed(List.of(shop, api));
        Gauge shopRow = row("shop");
        assertThat(shopRow.value()).isEqualTo(2);
        assertThat(row("api").value()).isEqualTo(1);

        // The same shop health (unchanged cluster), a rebuilt api with another endpoint, a new cluster.
        ClusterHealth rebuiltApi = health("api", "10.0.0.3", "10.0.0.4");
        metrics.clustersServed(List.of(shop, rebuiltApi, health("cart", "10.0.0.5")));
        assertThat(row("shop")).as("an unchanged cluster keeps its row").isSameAs(shopRow);
        assertThat(row("api").value()).isEqualTo(2);
        assertThat(row("cart").value()).isEqualTo(1);
        assertThat(registry.find("portcullis.cluster.healthy.endpoints").gauges()).hasSize(3);

        metrics.clustersServed(List.of(rebuiltApi));
        assertThat(registry.find("portcullis.cluster.healthy.endpoints").gauges())
                .extracting(gauge -> gauge.getId().getTag("cluster")).containsExactly("api");
    }

    @Test
    void metersNothingOutsideADataPlane() {
        HealthMetrics.NONE.clustersServed(List.of(health("shop", "10.0.0.1")));
        assertThat(registry.getMeters()).isEmpty();
    }

    private Gauge row(String cluster) {
        return registry.get("portcullis.cluster.healthy.endpoints").tag("cluster", cluster).gauge();
    }

    private static ClusterHealth health(String name, String... addresses) {
        Cluster cluster = new Cluster(name, Arrays.stream(addresses).map(address -> Endpoint.ready(address, 80)).toList());
        List<InetSocketAddress> ready = Arrays.stream(addresses).map(address -> new InetSocketAddress(address, 80)).toList();
        return new ClusterHealth(cluster, ready, null, System::nanoTime, HealthMetrics.NONE);
    }
}
