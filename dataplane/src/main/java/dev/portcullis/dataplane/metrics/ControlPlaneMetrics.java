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
    private final Counter receivedBytes;
    private final Counter fullUpdates;
    private final Counter deltaUpdates;

    ControlPlaneMetrics(MeterRegistry registry) {
        Gauge.builder("portcullis.control.plane.connected", connected, AtomicInteger::get)
                .description("1 when the last poll of the operator's snapshot channel was answered, 0 after a failed one")
                .register(registry);
        pollFailures = Counter.builder("portcullis.control.plane.poll.failures")
                .description("Polls of the operator's snapshot channel that failed (refused, TLS refused, timed out, an error answer)")
                .register(registry);
        receivedBytes = Counter.builder("portcullis.control.plane.received.bytes")
                .description("Bytes of snapshot and delta bodies received from the operator, as on the wire (gzipped)")
                .register(registry);
        fullUpdates = updates(registry, "full");
        deltaUpdates = updates(registry, "delta");
    }

    private static Counter updates(MeterRegistry registry, String kind) {
        return Counter.builder("portcullis.control.plane.updates").tag("kind", kind)
                .description("Snapshots received from the operator: whole (full) or as what changed (delta)")
                .register(registry);
    }

    /** Bytes of an answer's body as they came over the wire. */
    public void received(long bytes) {
        receivedBytes.increment(bytes);
    }

    /** An answer read into a snapshot: {@code full} or {@code delta}. */
    public void updated(String kind) {
        (kind.equals("delta") ? deltaUpdates : fullUpdates).increment();
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
