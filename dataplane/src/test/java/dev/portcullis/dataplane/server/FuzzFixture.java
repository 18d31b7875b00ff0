package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.metrics.DataPlaneMetrics;
import dev.portcullis.dataplane.passthrough.PassthroughConnector;
import dev.portcullis.dataplane.runtime.LiveConfig;
import dev.portcullis.dataplane.runtime.RuntimeCompiler;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.ServerSslContexts;
import dev.portcullis.dataplane.tls.UpstreamSslContexts;
import dev.portcullis.dataplane.upstream.UpstreamConnections;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * The data plane's own connection pipelines, configured as in production, on an EmbeddedChannel, for
 * the fuzz targets. No endpoint is ready anywhere, so every request is answered by the proxy itself
 * and no connection leaves the test: {@code open.example} and {@code *.wild.example} answer 503 (routed),
 * {@code tls.example} redirects plain HTTP with a 308 (routed), {@code pass.example} is passed through
 * (closed at once for want of an endpoint), every other host is 404.
 */
final class FuzzFixture {

    static final String PASSTHROUGH_HOST = "pass.example";
    static final List<String> HOSTS = List.of("open.example", "tls.example", PASSTHROUGH_HOST, "*.wild.example");

    final DataPlaneMetrics metrics = new DataPlaneMetrics();
    final LiveConfig config;
    final HttpPipeline http;
    final PassthroughConnector passthrough;

    FuzzFixture() {
        ServerSslContexts sslContexts = new ServerSslContexts();
        ServerSslContexts.ServedCertificate generated = sslContexts.fromKeyMaterial(RuntimeCompiler.GENERATED_DEFAULT,
                CertificateAuthority.selfSigned("fuzz default", List.of("portcullis.invalid")).keyMaterial());
        UpstreamSslContexts upstreamSslContexts = new UpstreamSslContexts();
        config = new LiveConfig(new RuntimeCompiler(sslContexts, upstreamSslContexts, generated, metrics), sslContexts,
                upstreamSslContexts, metrics);
        List<Route> all = List.of(new Route(PathMatch.prefix("/"), "none-ready"));
        config.apply(new Snapshot(1,
                List.of(new VirtualHost("open.example", TlsMode.TERMINATE, null, all, false),
                        new VirtualHost("tls.example", TlsMode.TERMINATE, null, all, true),
                        new VirtualHost(PASSTHROUGH_HOST, TlsMode.PASSTHROUGH, null, all, false),
                        new VirtualHost("*.wild.example", TlsMode.TERMINATE, null, all, false)),
                List.of(new Cluster("none-ready", List.of())), List.of(), null));
        http = new HttpPipeline(config, new UpstreamConnections(NioSocketChannel.class), metrics, () -> 443,
                new ClientErrors(metrics));
        passthrough = new PassthroughConnector(NioSocketChannel.class, config);
    }

    /**
     * A channel with socket addresses, AUTO_READ off as the listeners set it, and the given handlers;
     * registered (active) once they are in place.
     */
    static EmbeddedChannel connection(int localPort, ChannelHandler... handlers) {
        EmbeddedChannel channel = new EmbeddedChannel(false, true) {
            @Override
            protected SocketAddress localAddress0() {
                return new InetSocketAddress("192.0.2.1", localPort);
            }

            @Override
            protected SocketAddress remoteAddress0() {
                return new InetSocketAddress("198.51.100.7", 40_000);
            }
        };
        channel.config().setAutoRead(false);
        channel.pipeline().addLast(handlers);
        try {
            channel.register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return channel;
    }
}
