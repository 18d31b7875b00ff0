package dev.portcullis.dataplane.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The data plane's view of its operator: whether the last poll of the snapshot channel got an answer,
 * and how many polls failed. Registered only when the data plane follows an operator (not when it
 * serves a snapshot file), so "disconnected" never fires for a data plane that has no operator.
 */
public final class ControlPlaneMetrics {

    private final AtomicInteger connected = new AtomicInteger();
    private final Counter pollFailures;

    ControlPlaneMetrics(MeterRegistry registry) {
        Gauge.builder("portcullis.control.plane.connected", connected, AtomicInteger::get)
                .description("1 when the last poll of the operator's snapshot channel was answered, 0 after a failed one")
                .register(registry);
        pollFailures = Counter.builder("portcullis.control.plane.poll.failures")
                .description("Polls of the operator's snapshot channel that failed (refused, TLS refused, timed out, an error answer)")
                .register(registry);
    }

    /** The operator answered (a snapshot, or nothing new before the poll timed out). */
    public void answered() {
        connected.set(1);
    }

    public void pollFailed() {
        connected.set(0);
        pollFailures.increment();
    }
}
