import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process whose output the benchmark reads line by line as it comes (and copies to a log file):
 * each line saying a snapshot was applied wakes the waiters, so probes run when something changed
 * rather than on a timer. The data plane's line "serving snapshot version V: H virtual hosts"
 * also gives when it first served at least a given number of hosts.
 */
final class WatchedProcess implements AutoCloseable {

    private static final Pattern SERVING = Pattern.compile("serving snapshot version (\\d+): (\\d+) virtual hosts");
    /** The operator's line for a data planes' stream (an IngressClass), not the all-classes one. */
    private static final Pattern PUBLISHED = Pattern.compile("published snapshot for IngressClass \\S+ version (\\d+)");

    private final Process process;
    private final long startedNanos;
    private final Object lock = new Object();
    private long snapshotLines;
    private volatile String lastLine = "";
    private final List<long[]> served = new java.util.ArrayList<>(); // {hosts, nanoTime}
    private final List<Long> published = new java.util.ArrayList<>(); // nanoTime

    private WatchedProcess(Process process, long startedNanos) {
        this.process = process;
        this.startedNanos = startedNanos;
    }

    static WatchedProcess start(List<String> command, Map<String, String> environment, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        long started = System.nanoTime();
        WatchedProcess watched = new WatchedProcess(builder.start(), started);
        Thread.ofPlatform().daemon().name("output-" + log.getFileName()).start(() -> watched.read(log));
        return watched;
    }

    private void read(Path log) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter copy = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.contains("snapshot")) {
                    long now = System.nanoTime();
                    synchronized (lock) {
                        Matcher serving = SERVING.matcher(line);
                        if (serving.find()) {
                            served.add(new long[]{Long.parseLong(serving.group(2)), now});
                        } else if (PUBLISHED.matcher(line).find()) {
                            published.add(now);
                        }
                        snapshotLines++;
                        lock.notifyAll();
                    }
                    copy.println(line);
                } else if (!line.startsWith("{\"kind\":\"http\"")) { // access log lines: thousands, not needed
                    copy.println(line);
                }
                if (!line.isBlank() && !line.startsWith("\tat ") && !line.startsWith("{")) {
                    lastLine = line;
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** Throws, saying how it ended, when the process is no longer running: the run stops at once. */
    void requireAlive(String name) {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with code " + process.exitValue() + " about "
                    + (System.nanoTime() - startedNanos) / 1_000_000_000 + " s after its start; its last line: " + lastLine);
        }
    }

    long pid() {
        return process.pid();
    }

    long startedNanos() {
        return startedNanos;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** How many lines about snapshots the process has written so far. */
    long snapshotLines() {
        synchronized (lock) {
            return snapshotLines;
        }
    }

    /** Waits until a line about snapshots beyond {@code seen} arrives, or {@code maxMillis} pass. */
    void awaitSnapshotLine(long seen, long maxMillis) throws InterruptedException {
        long deadline = System.nanoTime() + maxMillis * 1_000_000;
        synchronized (lock) {
            long left;
            while (snapshotLines <= seen && (left = deadline - System.nanoTime()) > 0) {
                lock.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Nanoseconds after {@code sinceNanos} when a snapshot of at least {@code hosts} virtual hosts was first logged, or -1. */
    long firstServedNanos(long hosts, long sinceNanos) {
        synchronized (lock) {
            return served.stream().filter(entry -> entry[0] >= hosts).findFirst()
                    .map(entry -> entry[1] - sinceNanos).orElse(-1L);
        }
    }

    /** Nanoseconds after {@code sinceNanos} when the first snapshot after it was logged as served (data plane), or -1. */
    long firstServingAfter(long sinceNanos) {
        synchronized (lock) {
            return served.stream().filter(entry -> entry[1] >= sinceNanos).findFirst()
                    .map(entry -> entry[1] - sinceNanos).orElse(-1L);
        }
    }

    /** Nanoseconds after {@code sinceNanos} when the first data planes' snapshot after it was logged as published (operator), or -1. */
    long firstPublishedAfter(long sinceNanos) {
        synchronized (lock) {
            return published.stream().filter(nanos -> nanos >= sinceNanos).findFirst().map(nanos -> nanos - sinceNanos).orElse(-1L);
        }
    }

    /** Resident memory in MiB, from /proc. */
    long rssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException gone) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
