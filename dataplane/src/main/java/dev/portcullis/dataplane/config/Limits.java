package dev.portcullis.dataplane.config;

/**
 * Deadlines and caps that keep one client from holding what every client needs. Zero (or absent
 * in the JSON) means the default.
 *
 * @param requestHeadTimeoutMillis  time for a whole request head, from the connection's start or a
 *                                  later request's first byte; then 408 and close (HAProxy
 *                                  {@code timeout http-request})
 * @param bodyIdleTimeoutMillis     longest silence inside a request or response body, either way;
 *                                  a long upload or download that keeps moving lives
 * @param writeStallTimeoutMillis   how long a client may leave a response unread (the connection
 *                                  not writable) before it is cut
 * @param maxConnections            open client connections per listener; at the cap the listener
 *                                  stops accepting until some close (0: from the descriptor limit)
 * @param maxConnectionsPerClient   open connections per client address; more are closed at accept
 */
public record Limits(long requestHeadTimeoutMillis, long bodyIdleTimeoutMillis, long writeStallTimeoutMillis,
                     int maxConnections, int maxConnectionsPerClient) {

    public static final long DEFAULT_REQUEST_HEAD_TIMEOUT_MILLIS = 10_000;
    public static final long DEFAULT_BODY_IDLE_TIMEOUT_MILLIS = 60_000;
    public static final long DEFAULT_WRITE_STALL_TIMEOUT_MILLIS = 60_000;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 1_024;
    public static final Limits DEFAULTS = new Limits(0, 0, 0, 0, 0);

    public Limits {
        requestHeadTimeoutMillis = requestHeadTimeoutMillis > 0 ? requestHeadTimeoutMillis : DEFAULT_REQUEST_HEAD_TIMEOUT_MILLIS;
        bodyIdleTimeoutMillis = bodyIdleTimeoutMillis > 0 ? bodyIdleTimeoutMillis : DEFAULT_BODY_IDLE_TIMEOUT_MILLIS;
        writeStallTimeoutMillis = writeStallTimeoutMillis > 0 ? writeStallTimeoutMillis : DEFAULT_WRITE_STALL_TIMEOUT_MILLIS;
        maxConnections = Math.max(maxConnections, 0);
        maxConnectionsPerClient = maxConnectionsPerClient > 0 ? maxConnectionsPerClient : DEFAULT_MAX_CONNECTIONS_PER_CLIENT;
    }
}
