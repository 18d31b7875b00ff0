package dev.portcullis.dataplane.accesslog;

/**
 * One logged request (or passthrough connection), as the event loop saw it. Never a header value
 * but the request id: no cookie, Authorization or query (unless asked) reaches the log.
 *
 * @param epochMillis    when the response ended (a tunnel: when it was switched; passthrough: when it closed)
 * @param kind           {@code http}, {@code upgrade} or {@code passthrough}
 * @param client         the client's address (after PROXY protocol and trusted X-Forwarded-For)
 * @param sni            the TLS server name the client sent, or {@code null}
 * @param tlsVersion     e.g. {@code TLSv1.3}, or {@code null} on plain HTTP and passthrough
 * @param cipher         the negotiated suite, or {@code null}
 * @param clientSubject  the subject of a verified client certificate, or {@code null}
 * @param host           the request's host, or {@code null}
 * @param method         the request's method, or {@code null}
 * @param path           the request's path, without its query unless the settings include it
 * @param protocol       {@code HTTP/1.1}, {@code HTTP/2}...
 * @param status         the status sent to the client (0 for passthrough)
 * @param bytesSent      body bytes sent to the client (passthrough: all bytes)
 * @param bytesReceived  passthrough only: all bytes from the client (else 0)
 * @param upstream       the endpoint that answered, {@code ip:port}, or {@code null} for the proxy's own answer
 * @param cluster        the cluster the request went to, or {@code null}
 * @param upstreamMillis from the first connect to the pod to the end of its response, or -1
 * @param totalMillis    from the request head (the connection, for passthrough) to the end
 * @param retries        endpoints tried after the first
 * @param requestId      the X-Request-ID sent to the pod, or {@code null}
 */
public record AccessLogEntry(long epochMillis, String kind, String client, String sni, String tlsVersion, String cipher,
                             String clientSubject, String host, String method, String path, String protocol, int status,
                             long bytesSent, long bytesReceived, String upstream, String cluster, long upstreamMillis,
                             long totalMillis, int retries, String requestId) {
}
