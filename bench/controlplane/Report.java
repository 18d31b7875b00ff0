import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What one control-plane run measured, as a Markdown file and as one line for bench/run's table. */
final class Report {

    private final int ingresses;
    private final int changes;
    private final List<Long> creates = new ArrayList<>();
    private final List<Long> edits = new ArrayList<>();
    private final List<String> createTimeline = new ArrayList<>();
    private final List<String> editTimeline = new ArrayList<>();
    private final List<String> rss = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private String created = "n/a";
    private String coldStart = "n/a";
    private String coldApplied = "n/a";
    private String sweep = "n/a";
    private String stopped;
    private String bytes = "n/a";
    private String bytesPerChange = "n/a";
    private String rssAfter = "n/a";

    Report(int ingresses, int changes) {
        this.ingresses = ingresses;
        this.changes = changes;
    }

    void created(long nanos) {
        created = seconds(nanos);
    }

    void coldStart(long sampleNanos, long appliedNanos, long sweepNanos, int missing) {
        coldStart = seconds(sampleNanos);
        coldApplied = appliedNanos < 0 ? "n/a (no data plane log line with " + ingresses + " virtual hosts)" : seconds(appliedNanos);
        sweep = missing > 0 ? missing + " of " + ingresses + " hosts never answered"
                : String.format("all %,d hosts answered, one request each, 4 clients, in %s after the sample", ingresses, seconds(sweepNanos));
    }

    /**
     * One new Ingress served after {@code nanos}; the operator published the next data planes' snapshot
     * {@code publishedNanos} after the change began and the data plane logged serving one
     * {@code appliedNanos} after it (-1: no such line).
     */
    void create(long nanos, long publishedNanos, long appliedNanos) {
        creates.add(nanos);
        createTimeline.add(timeline(nanos, publishedNanos, appliedNanos));
    }

    void edit(long nanos, long publishedNanos, long appliedNanos) {
        edits.add(nanos);
        editTimeline.add(timeline(nanos, publishedNanos, appliedNanos));
    }

    private static String timeline(long nanos, long publishedNanos, long appliedNanos) {
        return "%d (%d/%d)".formatted(nanos / 1_000_000, publishedNanos / 1_000_000, appliedNanos / 1_000_000);
    }

    /** Each change in order, to see where its time went and which one was slowest. */
    void timelines() {
        note("each change in order, ms from the API call: served (operator published / data plane logged serving); "
                + "new Ingresses: " + String.join(", ", createTimeline) + "; edits: " + String.join(", ", editTimeline));
    }

    void bytes(long down, long up, long newConnections, int count, Double metricBefore, Double metricAfter) {
        bytesPerChange = String.format("%,d B", down / count);
        bytes = String.format("%,d B to the data plane and %,d B back over %d changes through a counting relay "
                        + "(%,d B per change down; %d new channel connections meanwhile)",
                down, up, count, down / count, newConnections);
        if (metricBefore != null && metricAfter != null) {
            bytes += String.format("; data plane metric %s: %,.0f B per change", Metrics.RECEIVED_BYTES,
                    (metricAfter - metricBefore) / count);
        } else {
            bytes += "; the data plane has no metric " + Metrics.RECEIVED_BYTES + " yet";
        }
    }

    void rss(String when, long operatorMiB, long dataPlaneMiB, List<String> apiServer) {
        rss.add("| " + when + " | " + operatorMiB + " MiB | " + dataPlaneMiB + " MiB | " + String.join(", ", apiServer) + " |");
        rssAfter = "operator " + operatorMiB + " MiB, data plane " + dataPlaneMiB + " MiB";
    }

    void stopped(String reason) {
        stopped = reason;
        note("the run stopped: " + reason);
    }

    void note(String text) {
        notes.add(text);
    }

    /** One cell for bench/run's table. */
    String summary() {
        String limits = (ChartProcesses.MEMORY_LIMIT.endsWith("=512m") ? "" : ChartProcesses.MEMORY_LIMIT + ", ")
                + (ChartProcesses.DATAPLANE_MEMORY_LIMIT.equals(ChartProcesses.MEMORY_LIMIT) ? ""
                : "data plane " + ChartProcesses.DATAPLANE_MEMORY_LIMIT + ", ");
        return String.format(limits
                        + "%,d Ingresses: cold start %s (applied %s); one change p50 / p99: new Ingress %s / %s, "
                        + "edited backend %s / %s; %s per change on the wire; RSS %s",
                ingresses, coldStart, coldApplied.startsWith("n/a") ? "n/a" : coldApplied, millis(creates, 50),
                millis(creates, 99), millis(edits, 50), millis(edits, 99), bytesPerChange, rssAfter)
                + (stopped == null ? "" : "; STOPPED: " + stopped);
    }

    String markdown() {
        return """
                # Control-plane benchmark %s

                %,d TLS Ingresses (each with its own ECDSA P-256 Secret, Service and EndpointSlice) on a real
                kube-apiserver %s; the operator and one data plane as separate JVMs with the chart's flags
                (`bench/controlplane/ChartProcesses.java`), memory: %s. Machine: %s.

                | measure | value | target (issue #18, at 10,000) |
                |---|---|---|
                | objects created (parallel, 32 in flight) | %s | |
                | cold start: operator start to 52 sampled hosts (first, last, 50 at random) answering real HTTPS requests | %s | < 20 s |
                | cold start: operator start to the data plane logging a snapshot with every host | %s | |
                | then every host checked with a real HTTPS request (SNI, its own certificate, the backend's answer) | %s | |
                | new Ingress served, p50 / p99 / max of %d | %s / %s / %s | p99 < 300 ms |
                | edited Ingress (backend switched) served, p50 / p99 / max of %d | %s / %s / %s | p99 < 300 ms |
                | bytes on the wire per change | %s | < 10 KB |

                Bytes: %s.

                | RSS | operator | data plane | API server |
                |---|---|---|---|
                %s

                Notes:
                %s
                """.formatted(Instant.now(), ingresses, dev.portcullis.testkit.KubeBinaries.VERSION, ChartProcesses.memoryLimit(), machine(), created,
                coldStart, coldApplied, sweep, creates.size(), millis(creates, 50), millis(creates, 99), millis(creates, 100),
                edits.size(), millis(edits, 50), millis(edits, 99), millis(edits, 100), bytesPerChange, bytes,
                String.join("\n", rss), notes.stream().map(note -> "- " + note).reduce((a, b) -> a + "\n" + b).orElse("- none"));
    }

    /** Nearest-rank percentile; with 30 samples p99 is the largest. */
    static String millis(List<Long> samples, int percentile) {
        if (samples.isEmpty()) {
            return "n/a";
        }
        List<Long> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1)) / 1_000_000 + " ms";
    }

    private static String seconds(long nanos) {
        return String.format("%.1f s", nanos / 1e9);
    }

    private static String machine() {
        String cpu = "";
        try {
            cpu = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name")).findFirst().map(line -> line.split(":", 2)[1].trim()).orElse("");
        } catch (java.io.IOException ignored) {
            // not Linux
        }
        return Runtime.getRuntime().availableProcessors() + " CPUs (" + cpu + "), Java " + Runtime.version()
                + ", load average at the end " + loadAverage() + " (shared with other builders)";
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ", 4)[0];
        } catch (java.io.IOException e) {
            return "n/a";
        }
    }
}
