package dev.portcullis.dataplane.proxy;

import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;

/**
 * HTTP/2 frame codec builders (towards clients and towards pods) whose streams share the
 * connection's send window in turn, without priorities. Netty's default distributor weighs
 * streams by the priority tree that RFC 9113 deprecated, and keeps that tree up to date at every
 * stream's start and end: about 7 % of the CPU of a proxied HTTP/2 request. HAProxy and nginx do
 * not weigh streams either. Only the order in which ready streams write when the window is short
 * changes; flow control itself (each stream's window and the connection's) is Netty's, as before.
 */
public final class Http2Codecs {

    private Http2Codecs() {
    }

    public static Http2FrameCodecBuilder forServer() {
        return new Builder(true);
    }

    public static Http2FrameCodecBuilder forClient() {
        return new Builder(false);
    }

    /** Builds one codec: each connection needs its own builder, since the builder holds its connection. */
    private static final class Builder extends Http2FrameCodecBuilder {

        Builder(boolean server) {
            gracefulShutdownTimeoutMillis(0); // as Http2FrameCodecBuilder.forServer() and forClient()
            // The connection says which side this is: Netty refuses server() beside connection().
            DefaultHttp2Connection connection = new DefaultHttp2Connection(server);
            connection.remote().flowController(new DefaultHttp2RemoteFlowController(connection,
                    new UniformStreamByteDistributor(connection)));
            connection(connection);
        }
    }
}
