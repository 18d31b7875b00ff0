package dev.portcullis.dataplane.runtime;

import java.util.concurrent.CountDownLatch;

/** Blocks a command's main thread until the JVM is asked to stop (SIGTERM, Ctrl-C). */
public final class ShutdownSignal {

    private ShutdownSignal() {
    }

    /** Returns once shutdown has begun, so the caller's try-with-resources closes what it started. */
    public static void await() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "portcullis-shutdown"));
        stop.await();
    }
}
