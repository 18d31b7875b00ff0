package dev.portcullis.operator.deploy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The rows the "no ready data plane" alert reads, as the operator's /metrics shows them. */
class DataPlaneReplicaMetricsTest {

    @Test
    void everyDataPlaneHasItsReadyAndWantedPodsAndADeletedOneDisappears() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DataPlaneReplicaMetrics metrics = new DataPlaneReplicaMetrics(registry);
        DataPlane serving = dataPlane("ingress", "edge", 3, 2);
        DataPlane starting = dataPlane("portcullis", "internal", 2, null);

        metrics.refresh(List.of(serving, starting));
        assertThat(registry.scrape())
                .contains("portcullis_operator_dataplane_ready_replicas{dataplane=\"edge\",dataplane_namespace=\"ingress\"} 2.0")
                .contains("portcullis_operator_dataplane_desired_replicas{dataplane=\"edge\",dataplane_namespace=\"ingress\"} 3.0")
                .as("no status yet: nothing ready")
                .contains("portcullis_operator_dataplane_ready_replicas{dataplane=\"internal\",dataplane_namespace=\"portcullis\"} 0.0")
                .contains("portcullis_operator_dataplane_desired_replicas{dataplane=\"internal\",dataplane_namespace=\"portcullis\"} 2.0");

        metrics.refresh(List.of(serving));
        assertThat(registry.scrape()).contains("dataplane=\"edge\"").doesNotContain("dataplane=\"internal\"");
    }

    private static DataPlane dataPlane(String namespace, String name, int replicas, Integer ready) {
        DataPlane dataPlane = new DataPlane();
        dataPlane.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        dataPlane.setSpec(new DataPlaneSpec());
        dataPlane.getSpec().replicas = replicas;
        if (ready != null) {
            dataPlane.setStatus(new DataPlaneStatus());
            dataPlane.getStatus().readyReplicas = ready;
        }
        return dataPlane;
    }
}
