package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.admin.DataPlaneMetrics;
import dev.portcullis.dataplane.proxy.HttpProxyHandler;
import dev.portcullis.dataplane.runtime.LiveConfig;
import dev.portcullis.dataplane.runtime.RuntimeConfig;
import dev.portcullis.dataplane.upstream.UpstreamConnections;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Builds a client connection's pipeline: for the TLS listener, an SNI handler choosing the
 * certificate from the configuration current when the connection arrived; then HTTP/1.1 proxying.
 */
final class ProxyChannelInitializer extends ChannelInitializer<Channel> {

    static final int MAX_CLIENT_HELLO_BYTES = 16 * 1024;
    static final long CLIENT_HELLO_TIMEOUT_MILLIS = 10_000;
    static final int KEEP_ALIVE_IDLE_SECONDS = 60;

    private final boolean tls;
    private final LiveConfig config;
    private final UpstreamConnections upstreams;
    private final DataPlaneMetrics metrics;
    private final ConnectionCountHandler connectionCount;
    private final IntSupplier httpsRedirectPort;

    ProxyChannelInitializer(boolean tls, LiveConfig config, UpstreamConnections upstreams, DataPlaneMetrics metrics,
                            IntSupplier httpsRedirectPort) {
        this.tls = tls;
        this.httpsRedirectPort = httpsRedirectPort;
        this.config = config;
        this.upstreams = upstreams;
        this.metrics = metrics;
        this.connectionCount = new ConnectionCountHandler(metrics.openConnections(tls ? "https" : "http"));
    }

    @Override
    protected void initChannel(Channel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(connectionCount);
        if (tls) {
            RuntimeConfig current = config.current();
            if (current == null) {
                channel.close(); // nothing to present before the first snapshot
                return;
            }
            Mapping<String, SslContext> certificates = current::sslContextFor;
            pipeline.addLast(new SniHandler(certificates, MAX_CLIENT_HELLO_BYTES, CLIENT_HELLO_TIMEOUT_MILLIS));
            pipeline.addLast(new TlsHandshakeMetricsHandler(metrics));
        }
        pipeline.addLast(new IdleStateHandler(KEEP_ALIVE_IDLE_SECONDS, 0, 0, TimeUnit.SECONDS));
        pipeline.addLast(new HttpServerCodec(8192, 32 * 1024, 64 * 1024));
        pipeline.addLast(new HttpServerExpectContinueHandler());
        pipeline.addLast(new FlowControlHandler());
        pipeline.addLast(new HttpProxyHandler(config, upstreams, metrics, tls ? "https" : "http", httpsRedirectPort));
    }
}
