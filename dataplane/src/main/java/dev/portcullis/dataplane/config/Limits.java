package dev.portcullis.dataplane.config;

/**
 * Deadlines and caps that keep one client from holding what every client needs. Zero (or absent
 * in the JSON) means the default.
 *
 * @param requestHeadTimeoutMillis   time for a whole request head, from the connection's start or a
 *                                   later request's first byte; then 408 and close (HAProxy
 *                                   {@code timeout http-request})
 * @param keepAliveTimeoutMillis     how long a connection may sit between requests (HTTP/1.1) or
 *                                   without streams (HTTP/2) before it is closed
 * @param bodyIdleTimeoutMillis      longest silence inside a request or response body, either way;
 *                                   a long upload or download that keeps moving lives
 * @param responseStartTimeoutMillis how long an endpoint may take to start its response once it
 *                                   has the whole request, for clusters that set no time of their own;
 *                                   then 504
 * @param writeStallTimeoutMillis    how long a client may leave a response unread (the connection
 *                                   not writable) before it is cut
 * @param tlsHandshakeTimeoutMillis  time for a TLS client to send its ClientHello, and again to
 *                                   finish the handshake; then the connection is closed
 * @param maxConnections             open client connections per listener; at the cap the listener
 *                                   stops accepting until some close (0: from the descriptor limit)
 * @param maxConnectionsPerClient    open connections per client address; more are closed at accept
 * @param maxRequestLineBytes        longest HTTP/1.1 request line; longer gets 414
 * @param maxHeaderBytes             most bytes of a request's header fields (HTTP/1.1), or of its
 *                                   decoded header list (HTTP/2); more gets 431
 */
public record Limits(long requestHeadTimeoutMillis, long keepAliveTimeoutMillis, long bodyIdleTimeoutMillis,
                     long responseStartTimeoutMillis, long writeStallTimeoutMillis, long tlsHandshakeTimeoutMillis,
                     int maxConnections, int maxConnectionsPerClient, int maxRequestLineBytes, int maxHeaderBytes) {

    public static final long DEFAULT_REQUEST_HEAD_TIMEOUT_MILLIS = 10_000;
    public static final long DEFAULT_KEEP_ALIVE_TIMEOUT_MILLIS = 60_000;
    public static final long DEFAULT_BODY_IDLE_TIMEOUT_MILLIS = 60_000;
    public static final long DEFAULT_RESPONSE_START_TIMEOUT_MILLIS = 60_000;
    public static final long DEFAULT_WRITE_STALL_TIMEOUT_MILLIS = 60_000;
    public static final long DEFAULT_TLS_HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 1_024;
    public static final int DEFAULT_MAX_REQUEST_LINE_BYTES = 8 * 1024;
    public static final int DEFAULT_MAX_HEADER_BYTES = 32 * 1024;
    public static final Limits DEFAULTS = new Limits(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public Limits {
        requestHeadTimeoutMillis = orDefault(requestHeadTimeoutMillis, DEFAULT_REQUEST_HEAD_TIMEOUT_MILLIS);
        keepAliveTimeoutMillis = orDefault(keepAliveTimeoutMillis, DEFAULT_KEEP_ALIVE_TIMEOUT_MILLIS);
        bodyIdleTimeoutMillis = orDefault(bodyIdleTimeoutMillis, DEFAULT_BODY_IDLE_TIMEOUT_MILLIS);
        responseStartTimeoutMillis = orDefault(responseStartTimeoutMillis, DEFAULT_RESPONSE_START_TIMEOUT_MILLIS);
        writeStallTimeoutMillis = orDefault(writeStallTimeoutMillis, DEFAULT_WRITE_STALL_TIMEOUT_MILLIS);
        tlsHandshakeTimeoutMillis = orDefault(tlsHandshakeTimeoutMillis, DEFAULT_TLS_HANDSHAKE_TIMEOUT_MILLIS);
        maxConnections = Math.max(maxConnections, 0);
        maxConnectionsPerClient = (int) orDefault(maxConnectionsPerClient, DEFAULT_MAX_CONNECTIONS_PER_CLIENT);
        maxRequestLineBytes = (int) orDefault(maxRequestLineBytes, DEFAULT_MAX_REQUEST_LINE_BYTES);
        maxHeaderBytes = (int) orDefault(maxHeaderBytes, DEFAULT_MAX_HEADER_BYTES);
    }

    public Limits withRequestHeadTimeoutMillis(long millis) {
        return new Limits(millis, keepAliveTimeoutMillis, bodyIdleTimeoutMillis, responseStartTimeoutMillis,
                writeStallTimeoutMillis, tlsHandshakeTimeoutMillis, maxConnections, maxConnectionsPerClient,
                maxRequestLineBytes, maxHeaderBytes);
    }

    public Limits withBodyIdleTimeoutMillis(long millis) {
        return new Limits(requestHeadTimeoutMillis, keepAliveTimeoutMillis, millis, responseStartTimeoutMillis,
                writeStallTimeoutMillis, tlsHandshakeTimeoutMillis, maxConnections, maxConnectionsPerClient,
                maxRequestLineBytes, maxHeaderBytes);
    }

    public Limits withWriteStallTimeoutMillis(long millis) {
        return new Limits(requestHeadTimeoutMillis, keepAliveTimeoutMillis, bodyIdleTimeoutMillis,
                responseStartTimeoutMillis, millis, tlsHandshakeTimeoutMillis, maxConnections, maxConnectionsPerClient,
                maxRequestLineBytes, maxHeaderBytes);
    }

    public Limits withConnectionCaps(int perListener, int perClient) {
        return new Limits(requestHeadTimeoutMillis, keepAliveTimeoutMillis, bodyIdleTimeoutMillis,
                responseStartTimeoutMillis, writeStallTimeoutMillis, tlsHandshakeTimeoutMillis, perListener, perClient,
                maxRequestLineBytes, maxHeaderBytes);
    }

    /** Zero or less is "not set". */
    private static long orDefault(long value, long fallback) {
        return value > 0 ? value : fallback;
    }
}
