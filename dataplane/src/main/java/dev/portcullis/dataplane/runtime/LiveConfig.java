package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.metrics.DataPlaneMetrics;
import dev.portcullis.dataplane.config.InvalidSnapshotException;
import dev.portcullis.dataplane.config.LimitOverrides;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.tls.ServerSslContexts;
import dev.portcullis.dataplane.tls.UpstreamSslContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The configuration being served. Applying a snapshot compiles it on the caller's thread and swaps
 * it in atomically; a snapshot that fails leaves the last good one in place.
 */
public final class LiveConfig {

    private static final Logger LOG = LoggerFactory.getLogger(LiveConfig.class);

    private final AtomicReference<RuntimeConfig> current = new AtomicReference<>();
    private final RuntimeCompiler compiler;
    private final ServerSslContexts sslContexts;
    private final UpstreamSslContexts upstreamSslContexts;
    private final DataPlaneMetrics metrics;
    private volatile LimitOverrides limitOverrides = LimitOverrides.NONE;
    private volatile boolean draining;
    private volatile dev.portcullis.dataplane.accesslog.AccessLogSink accessLog = dev.portcullis.dataplane.accesslog.AccessLogSink.NONE;

    public LiveConfig(RuntimeCompiler compiler, ServerSslContexts sslContexts, UpstreamSslContexts upstreamSslContexts,
                      DataPlaneMetrics metrics) {
        this.compiler = compiler;
        this.sslContexts = sslContexts;
        this.upstreamSslContexts = upstreamSslContexts;
        this.metrics = metrics;
    }

    /** Limits from the command line, laid over every snapshot's from the next one applied. */
    public void overrideLimits(LimitOverrides overrides) {
        this.limitOverrides = overrides;
    }

    /** Where requests are logged (the snapshot's listener settings say whether and how). */
    public void useAccessLog(dev.portcullis.dataplane.accesslog.AccessLogSink sink) {
        accessLog = sink;
    }

    public dev.portcullis.dataplane.accesslog.AccessLogSink accessLog() {
        return accessLog;
    }

    /** From now on the data plane is leaving: not ready, and no connection is kept alive. */
    public void startDraining() {
        draining = true;
    }

    public boolean draining() {
        return draining;
    }

    /** The configuration being served, or {@code null} before the first snapshot is applied. */
    public RuntimeConfig current() {
        return current.get();
    }

    /** The meters of what is served, which whoever feeds snapshots in reports to as well. */
    public DataPlaneMetrics metrics() {
        return metrics;
    }

    /** What this data plane knows of its endpoints' health. */
    public dev.portcullis.dataplane.health.EndpointHealth health() {
        return compiler.health();
    }

    public boolean ready() {
        return current.get() != null;
    }

    /**
     * Serves the snapshot from now on, or throws {@link InvalidSnapshotException} saying every
     * problem; then the previous configuration stays.
     */
    public synchronized RuntimeConfig apply(Snapshot snapshot) {
        long started = System.nanoTime();
        RuntimeConfig next;
        RuntimeConfig previous = current.get();
        try {
            next = compiler.compile(limitOverrides.onto(snapshot), previous);
        } catch (RuntimeException e) {
            metrics.snapshotRejected();
            throw e;
        }
        current.set(next);
        ConfigChanges changes = next.changes();
        if (changes == null) {
            compiler.health().applied(next.clusters());
        } else {
            compiler.health().appliedChanges(next.clusters(), changes.clusters());
        }
        if (changes == null || changes.tables().contentKeyGone()) {
            sslContexts.retainOnly(next.certificateContentKeys());
        }
        if (previous == null || next.upstreamSslContexts() != previous.upstreamSslContexts()) {
            upstreamSslContexts.retainOnly(next.upstreamSslContexts());
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        if (changes == null) {
            metrics.snapshotApplied(next.version(), took, next.certificateExpiries());
        } else {
            metrics.snapshotChanged(next.version(), took, changes.tables().expiriesGone(), changes.tables().expiriesAdded());
        }
        KeptCertificates.report(previous, next, metrics);
        LOG.info("serving snapshot version {}: {} virtual hosts, {} clusters, {} certificates (applied in {} ms)",
                snapshot.version(), snapshot.virtualHosts().size(), snapshot.clusters().size(),
                snapshot.certificates().size(), took.toMillis());
        return next;
    }
}
