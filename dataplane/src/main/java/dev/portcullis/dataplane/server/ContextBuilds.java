package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.runtime.DaemonThreads;
import dev.portcullis.dataplane.tls.ServerContext;
import io.netty.util.concurrent.Promise;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Builds the TLS contexts that handshakes wait for, on one thread off the event loops: a context
 * takes a fraction of a millisecond of CPU, which the loop's other connections should not wait out.
 */
final class ContextBuilds {

    private static final ExecutorService BUILDER = Executors.newSingleThreadExecutor(DaemonThreads.named("tls-context-builds"));

    private ContextBuilds() {
    }

    /** Completes {@code promise} with {@code value} once {@code context} is built, or with why it cannot be. */
    static <T> Promise<T> build(ServerContext context, Promise<T> promise, T value) {
        BUILDER.execute(() -> {
            try {
                context.get();
                promise.trySuccess(value);
            } catch (Throwable e) {
                promise.tryFailure(e);
            }
        });
        return promise;
    }
}
