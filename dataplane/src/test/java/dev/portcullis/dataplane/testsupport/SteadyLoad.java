package dev.portcullis.dataplane.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** A steady stream of requests while something changes: every failed request is reported. */
public final class SteadyLoad {
    private SteadyLoad() {
    }

    public interface Action {
        void run() throws Exception;
    }

    /**
     * Runs {@code action} while {@code clients} threads, each with its own client, send GETs to
     * {@code url} back to back; returns every non-200 answer and every I/O failure.
     */
    public static List<String> during(int clients, Supplier<HttpClient> client, URI url, Action action) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger answered = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> loops = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            loops.add(pool.submit(() -> {
                HttpClient own = client.get();
                while (running.get()) {
                    try {
                        HttpResponse<String> response = own.send(HttpRequest.newBuilder(url).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 200) {
                            failures.add(response.statusCode() + ": " + response.body());
                        }
                        answered.incrementAndGet();
                    } catch (IOException e) {
                        failures.add(e.toString());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
        try {
            Thread.sleep(200);
            action.run();
        } finally {
            running.set(false);
            for (Future<?> loop : loops) {
                loop.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();
        }
        assertThat(answered.get()).as("requests answered during the change").isGreaterThan(10);
        return List.copyOf(failures);
    }
}
