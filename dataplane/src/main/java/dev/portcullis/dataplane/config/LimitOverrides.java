package dev.portcullis.dataplane.config;

/**
 * Limits given on a data plane's command line: each one that is set (not {@code null}) replaces
 * the snapshot's value, for every snapshot served.
 */
public record LimitOverrides(Long requestHeadTimeoutMillis, Long keepAliveTimeoutMillis, Long bodyIdleTimeoutMillis,
                             Long responseStartTimeoutMillis, Long writeStallTimeoutMillis,
                             Long tlsHandshakeTimeoutMillis, Integer maxConnections, Integer maxConnectionsPerClient,
                             Integer maxRequestLineBytes, Integer maxHeaderBytes) {

    public static final LimitOverrides NONE = new LimitOverrides(null, null, null, null, null, null, null, null, null, null);

    public Limits applyTo(Limits base) {
        return new Limits(
                or(requestHeadTimeoutMillis, base.requestHeadTimeoutMillis()),
                or(keepAliveTimeoutMillis, base.keepAliveTimeoutMillis()),
                or(bodyIdleTimeoutMillis, base.bodyIdleTimeoutMillis()),
                or(responseStartTimeoutMillis, base.responseStartTimeoutMillis()),
                or(writeStallTimeoutMillis, base.writeStallTimeoutMillis()),
                or(tlsHandshakeTimeoutMillis, base.tlsHandshakeTimeoutMillis()),
                or(maxConnections, base.maxConnections()),
                or(maxConnectionsPerClient, base.maxConnectionsPerClient()),
                or(maxRequestLineBytes, base.maxRequestLineBytes()),
                or(maxHeaderBytes, base.maxHeaderBytes()));
    }

    /** The snapshot with these limits laid over its listener's. */
    public Snapshot onto(Snapshot snapshot) {
        if (equals(NONE)) {
            return snapshot;
        }
        // Only the limits change: the listener's TLS settings and the session ticket keys stay as sent.
        return snapshot.withListener(snapshot.listener().withLimits(applyTo(snapshot.listener().limits())));
    }

    private static long or(Long override, long base) {
        return override != null ? override : base;
    }

    private static int or(Integer override, int base) {
        return override != null ? override : base;
    }
}
