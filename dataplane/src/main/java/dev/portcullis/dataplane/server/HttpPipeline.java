package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.config.Limits;
import dev.portcullis.dataplane.metrics.DataPlaneMetrics;
import dev.portcullis.dataplane.proxy.Http2Codecs;
import dev.portcullis.dataplane.proxy.HttpProxyHandler;
import dev.portcullis.dataplane.proxy.RequestHeadDeadline;
import dev.portcullis.dataplane.runtime.LiveConfig;
import dev.portcullis.dataplane.upstream.UpstreamConnections;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The handlers that proxy HTTP on a client connection, after TLS where there is TLS: HTTP/1.1,
 * or HTTP/2 where each stream is proxied like one HTTP/1.1 exchange (to HTTP/1.1 or HTTP/2
 * endpoints, as their cluster says).
 */
record HttpPipeline(LiveConfig config, UpstreamConnections upstreams, DataPlaneMetrics metrics,
                    IntSupplier httpsRedirectPort, ClientErrors errors) {

    /** nginx's http2_max_concurrent_streams is 128. */
    static final int MAX_CONCURRENT_STREAMS = 128;

    /** The limits of the configuration current when a connection starts hold for its life. */
    ChannelHandler[] handlers(String scheme) {
        Limits limits = limits();
        return new ChannelHandler[]{
                new IdleStateHandler(limits.keepAliveTimeoutMillis(), 0, 0, TimeUnit.MILLISECONDS),
                new RequestHeadDeadline(limits.requestHeadTimeoutMillis()),
                new StrictHttpServerCodec(limits.maxRequestLineBytes(), limits.maxHeaderBytes(), 64 * 1024),
                errors.malformedRequests(),
                new FlowControlHandler(),
                proxy(scheme)};
    }

    ChannelHandler[] http2Handlers() {
        return http2Handlers("https");
    }

    /** @param scheme {@code https} after ALPN on the TLS listener, {@code http} for h2c prior knowledge on the plain one */
    ChannelHandler[] http2Handlers(String scheme) {
        Limits limits = limits();
        Http2FrameCodec codec = Http2Codecs.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                        .maxHeaderListSize(limits.maxHeaderBytes())
                        .connectProtocolEnabled(true)) // RFC 8441: WebSockets over HTTP/2
                .build();
        return new ChannelHandler[]{
                new IdleStateHandler(0, 0, limits.keepAliveTimeoutMillis(), TimeUnit.MILLISECONDS),
                // Streams finish on upstream reads, each with a flush: one TLS record and one
                // write per response would undo multiplexing. Flushes made outside a read of this
                // connection go out together once the event loop's current batch of events is done.
                new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true),
                codec,
                new IdleHttp2Connections(codec),
                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        stream.config().setAutoRead(false);
                        stream.pipeline().addLast(
                                new Http2StreamFrameToHttpObjectCodec(true),
                                Http2Requests.INSTANCE,
                                new FlowControlHandler(),
                                new HttpProxyHandler(config, upstreams, metrics, scheme, httpsRedirectPort, true));
                    }
                }),
                errors.http2Errors()};
    }

    private Limits limits() {
        var current = config.current();
        return current == null ? Limits.DEFAULTS : current.limits();
    }

    private HttpProxyHandler proxy(String scheme) {
        return new HttpProxyHandler(config, upstreams, metrics, scheme, httpsRedirectPort);
    }
}
