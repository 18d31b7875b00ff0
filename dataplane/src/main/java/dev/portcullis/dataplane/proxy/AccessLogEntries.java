package dev.portcullis.dataplane.proxy;

import dev.portcullis.dataplane.accesslog.AccessLogEntry;
import dev.portcullis.dataplane.runtime.ClientCertificateOf;
import dev.portcullis.dataplane.tls.ClientCertificate;
import io.netty.channel.Channel;
import io.netty.channel.ServerChannel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SSLSession;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** Builds the access log entry of one exchange from what the proxy handler knows when the response ends. */
final class AccessLogEntries {

    /** What a connection's TLS was, read once per connection: version and suite, or nulls on plain HTTP. */
    record ConnectionTls(String version, String cipher) {
        static final ConnectionTls PLAIN = new ConnectionTls(null, null);

        static ConnectionTls of(Channel channel) {
            Channel connection = channel.parent() != null && !(channel.parent() instanceof ServerChannel) ? channel.parent() : channel;
            SslHandler ssl = connection.pipeline().get(SslHandler.class);
            if (ssl == null) {
                return PLAIN;
            }
            SSLSession session = ssl.engine().getSession();
            return new ConnectionTls(session.getProtocol(), session.getCipherSuite());
        }
    }

    /**
     * What one exchange did.
     *
     * @param clientUri the target the client sent; its query is dropped unless {@code includeQuery}
     */
    record Exchange(HttpRequest request, String clientUri, String protocol, int status, long bytesSent,
                    InetSocketAddress upstream, String cluster, long startNanos, long upstreamStartNanos, int retries,
                    String requestId, boolean upgrade) {
    }

    private AccessLogEntries() {
    }

    static AccessLogEntry of(Channel channel, InetAddress client, String sni, ConnectionTls tls, Exchange exchange,
                             boolean includeQuery) {
        long now = System.nanoTime();
        ClientCertificate certificate = ClientCertificateOf.of(channel);
        HttpRequest request = exchange.request();
        return new AccessLogEntry(System.currentTimeMillis(), exchange.upgrade() ? "upgrade" : "http",
                client == null ? null : client.getHostAddress(), sni, tls.version(), tls.cipher(),
                certificate.status() == ClientCertificate.Status.SUCCESS ? certificate.subject() : null,
                request == null ? null : hostName(request.headers().get(HttpHeaderNames.HOST)),
                request == null ? null : request.method().name(), path(exchange.clientUri(), includeQuery),
                exchange.protocol(), exchange.status(), exchange.bytesSent(), 0,
                exchange.upstream() == null ? null : exchange.upstream().getAddress().getHostAddress() + ":" + exchange.upstream().getPort(),
                exchange.cluster(),
                exchange.upstreamStartNanos() == 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(now - exchange.upstreamStartNanos()),
                TimeUnit.NANOSECONDS.toMillis(now - exchange.startNanos()), exchange.retries(), exchange.requestId());
    }

    /** The host a request named, without its port (as nginx's {@code $host}). */
    static String hostName(String host) {
        if (host == null) {
            return null;
        }
        int colon = host.lastIndexOf(':');
        return colon > 0 && colon > host.lastIndexOf(']') ? host.substring(0, colon) : host;
    }

    static String path(String uri, boolean includeQuery) {
        if (uri == null || includeQuery) {
            return uri;
        }
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }
}
