package dev.portcullis.operator.channel;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether a data plane serves this channel's snapshots yet: a data plane polls again, with
 * {@code after} set to the version it holds, once it has applied one. Until then an operator that
 * starts while data planes run lets them have the CPU (see {@code OperatorRuntime}).
 */
final class DataPlanesServing {

    private final AtomicBoolean polled = new AtomicBoolean();
    private final CountDownLatch serving = new CountDownLatch(1);

    /**
     * A poll arrived; {@code after} is the version of this channel it holds, or negative. A data
     * plane without an IngressClass waits for the all-classes stream, which the operator builds after
     * the wait: it ends the wait.
     */
    void polled(long after, boolean allClasses) {
        polled.set(true);
        if (after >= 1 || allClasses) {
            serving.countDown();
        }
    }

    /** Whether any data plane has polled this channel yet. */
    boolean polled() {
        return polled.get();
    }

    /** Waits until a data plane holds one of this channel's snapshots, at most {@code timeout}; whether one does. */
    boolean await(Duration timeout) throws InterruptedException {
        return serving.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
}
