package dev.portcullis.dataplane.runtime;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Blocks a command's main thread until the JVM is asked to stop (SIGTERM, Ctrl-C), and holds the
 * JVM's exit until the command says it is {@link #done()}: the JVM halts as soon as its shutdown
 * hooks return, so without this a drain would be cut short.
 */
public final class ShutdownSignal {

    /** The longest the JVM waits for a command to finish once asked to stop, whatever the drain settings say. */
    private static final long MAX_WAIT_SECONDS = 600;
    private static final CountDownLatch DONE = new CountDownLatch(1);

    private ShutdownSignal() {
    }

    /** Returns once shutdown has begun; the caller drains, closes what it started, then calls {@link #done()}. */
    public static void await() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                DONE.await(MAX_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "portcullis-shutdown"));
        stop.await();
    }

    /** The command has finished: the JVM may exit. */
    public static void done() {
        DONE.countDown();
    }
}
