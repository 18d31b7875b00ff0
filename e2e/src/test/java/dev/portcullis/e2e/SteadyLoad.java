package dev.portcullis.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests without pause from a few real clients ({@code curl}, each run carrying a batch of
 * requests over kept-alive connections, then a new process with new connections) until stopped.
 * A failure is any answer other than 200, a reset or a timeout.
 */
final class SteadyLoad implements AutoCloseable {

    private static final int BATCH = 40;

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final ExecutorService clients;
    private final List<Future<?>> loops = new ArrayList<>();

    private SteadyLoad(List<String> curlOptions, String url, int clientCount) {
        clients = Executors.newFixedThreadPool(clientCount);
        for (int i = 0; i < clientCount; i++) {
            loops.add(clients.submit(() -> {
                while (running.get()) {
                    batch(curlOptions, url);
                }
            }));
        }
    }

    /** Starts {@code clients} curl loops against {@code url}, with {@code curlOptions} (--resolve, --cacert). */
    static SteadyLoad start(List<String> curlOptions, String url, int clients) {
        return new SteadyLoad(curlOptions, url, clients);
    }

    long succeeded() {
        return succeeded.get();
    }

    long failed() {
        return failed.get();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    /** Stops after the batches in flight, and returns the counts for the test's output. */
    String stop() throws Exception {
        running.set(false);
        for (Future<?> loop : loops) {
            loop.get(2, TimeUnit.MINUTES);
        }
        clients.shutdown();
        return succeeded.get() + " requests answered 200, " + failed.get() + " failed";
    }

    @Override
    public void close() {
        running.set(false);
        clients.shutdownNow();
    }

    private void batch(List<String> options, String url) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10",
                "-w", "%{http_code} %{errormsg}\\n"));
        command.addAll(options);
        for (int i = 0; i < BATCH; i++) {
            command.addAll(List.of("-o", "/dev/null", url)); // -o is per URL
        }
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            process.waitFor();
            for (String line : lines) {
                if (line.startsWith("200")) {
                    succeeded.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    failures.add(line);
                }
            }
            if (lines.size() < BATCH) {
                failed.addAndGet(BATCH - lines.size());
                failures.add("curl ended after " + lines.size() + " of " + BATCH + " requests");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
