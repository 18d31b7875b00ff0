package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.admin.DataPlaneMetrics;
import dev.portcullis.dataplane.proxy.HttpProxyHandler;
import dev.portcullis.dataplane.runtime.LiveConfig;
import dev.portcullis.dataplane.upstream.UpstreamConnections;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/** The handlers that proxy HTTP/1.1 on a client connection, after TLS where there is TLS. */
record HttpPipeline(LiveConfig config, UpstreamConnections upstreams, DataPlaneMetrics metrics,
                    IntSupplier httpsRedirectPort) {

    static final int KEEP_ALIVE_IDLE_SECONDS = 60;

    ChannelHandler[] handlers(String scheme) {
        return new ChannelHandler[]{
                new IdleStateHandler(KEEP_ALIVE_IDLE_SECONDS, 0, 0, TimeUnit.SECONDS),
                new HttpServerCodec(8192, 32 * 1024, 64 * 1024),
                new HttpServerExpectContinueHandler(),
                new FlowControlHandler(),
                new HttpProxyHandler(config, upstreams, metrics, scheme, httpsRedirectPort)};
    }
}
