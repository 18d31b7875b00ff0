package dev.portcullis.operator.deploy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Wanted and ready pods of every DataPlane, read from the DataPlanes themselves (spec.replicas and
 * the status the reconciler writes), so every operator replica reports them, not only the leader,
 * and a deleted DataPlane's rows go away. Labels: {@code dataplane_namespace} and {@code dataplane}
 * (not {@code namespace}, which Prometheus sets to the scraped pod's namespace).
 */
public final class DataPlaneReplicaMetrics {

    private static final DataPlaneSpec DEFAULT_SPEC = new DataPlaneSpec();

    private final MultiGauge ready;
    private final MultiGauge desired;

    public DataPlaneReplicaMetrics(MeterRegistry registry) {
        ready = MultiGauge.builder("portcullis.operator.dataplane.ready.replicas")
                .description("Ready data plane pods of a DataPlane, as its status reports them").register(registry);
        desired = MultiGauge.builder("portcullis.operator.dataplane.desired.replicas")
                .description("Data plane pods a DataPlane asks for (spec.replicas)").register(registry);
    }

    /** Replaces every row with the DataPlanes given (the informer's, before each scrape). */
    public void refresh(List<DataPlane> dataPlanes) {
        ready.register(rows(dataPlanes, dataPlane -> dataPlane.getStatus() == null
                || dataPlane.getStatus().readyReplicas == null ? 0 : dataPlane.getStatus().readyReplicas), true);
        desired.register(rows(dataPlanes, DataPlaneReplicaMetrics::wanted), true);
    }

    /** As the reconciler counts them: a DataPlane without a spec gets the default spec. */
    private static int wanted(DataPlane dataPlane) {
        DataPlaneSpec spec = dataPlane.getSpec() == null ? DEFAULT_SPEC : dataPlane.getSpec();
        return spec.replicas == null ? 0 : spec.replicas;
    }

    private static List<MultiGauge.Row<?>> rows(List<DataPlane> dataPlanes, ToIntFunction<DataPlane> value) {
        return dataPlanes.stream()
                .<MultiGauge.Row<?>>map(dataPlane -> MultiGauge.Row.of(Tags.of(
                        "dataplane_namespace", dataPlane.getMetadata().getNamespace(),
                        "dataplane", dataPlane.getMetadata().getName()), value.applyAsInt(dataPlane)))
                .toList();
    }
}
