package dev.portcullis.dataplane.proxy;

import dev.portcullis.dataplane.metrics.DataPlaneMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * After an endpoint's {@code 101 Switching Protocols} (a WebSocket, say), the client and endpoint
 * connections stop speaking HTTP through the proxy: their HTTP handlers leave both pipelines and
 * bytes are relayed each way. Each side reads its next chunk only once the previous one was
 * written to the other (backpressure); an end of input on one side is passed on as a half-close;
 * silence in both directions for the idle timeout closes both.
 */
final class UpgradedTunnel {

    private UpgradedTunnel() {
    }

    /**
     * Switches both connections to relaying. Bytes the HTTP decoders had read past the 101 (or the
     * upgrade request) are relayed first, as their decoders leave the pipelines.
     *
     * @param client           the proxy handler's context on the client connection; it leaves with the rest
     * @param firstHttpHandler the name of the first HTTP handler of the client pipeline: it and
     *                         all after it are HTTP's (on an HTTP/2 stream: all after the frame codec,
     *                         which stays to carry the bytes as DATA frames)
     * @param http2Stream      the client side is an HTTP/2 stream (RFC 8441 extended CONNECT)
     */
    static void open(ChannelHandlerContext client, String firstHttpHandler, boolean http2Stream, Channel upstream,
                     String protocol, long idleMillis, DataPlaneMetrics metrics) {
        Channel clientChannel = client.channel();
        Ends ends = new Ends(clientChannel, upstream, metrics);
        metrics.upgraded(protocol);
        if (!http2Stream) {
            clientChannel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        }
        upstream.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);

        ChannelPipeline clientPipeline = clientChannel.pipeline();
        List<String> http = namesFrom(clientPipeline, firstHttpHandler);
        clientPipeline.addLast("upgraded-idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
        clientPipeline.addLast("upgraded-relay", new Relay(upstream, Framing.RAW, ends, true,
                http2Stream ? Framing.HTTP2_STREAM : Framing.RAW));
        ChannelPipeline upstreamPipeline = upstream.pipeline();
        List<String> upstreamHttp = namesAfterTls(upstreamPipeline);
        upstreamPipeline.addLast("upgraded-relay", new Relay(clientChannel, http2Stream ? Framing.HTTP2_STREAM : Framing.RAW,
                ends, false, Framing.RAW));
        // Removing a decoder hands on at once what it had read and not yet decoded: the relays are
        // in place first, handlers leave last to first (so leftovers meet the relay, not an HTTP
        // handler), and each side's encoder is out of the way, or passes bytes through, before the
        // other side's leftovers are written to it.
        HttpClientCodec upstreamCodec = upstreamPipeline.get(HttpClientCodec.class);
        upstreamCodec.prepareUpgradeFrom(upstreamPipeline.context(upstreamCodec));
        for (String name : http.reversed()) {
            clientPipeline.remove(name);
        }
        for (String name : upstreamHttp.reversed()) {
            upstreamPipeline.remove(name);
        }
        clientChannel.read();
        upstream.read();
    }

    /**
     * How bytes travel on one side: as themselves on a TCP (or TLS) connection, or as the
     * HttpContent of an HTTP/2 stream whose frame codec makes them DATA frames (its end: END_STREAM).
     */
    private enum Framing {
        RAW {
            @Override
            Object wrap(ByteBuf bytes) {
                return bytes;
            }

            @Override
            void endOutput(Channel channel) {
                if (channel instanceof DuplexChannel duplex && channel.isActive() && channel.pipeline().get(SslHandler.class) == null) {
                    channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(flushed -> duplex.shutdownOutput());
                } else {
                    closeAfterFlush(channel); // TLS has no half-close of its own: close_notify ends both ways
                }
            }
        },
        HTTP2_STREAM {
            @Override
            Object wrap(ByteBuf bytes) {
                return new DefaultHttpContent(bytes);
            }

            @Override
            void endOutput(Channel channel) {
                if (channel.isActive()) {
                    channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                }
            }

            @Override
            void closeAfterFlush(Channel channel) {
                if (channel.isActive()) { // END_STREAM after what the pod sent, then the stream closes
                    channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
                }
            }
        };

        abstract Object wrap(ByteBuf bytes);

        /** The other side is gone: this one closes once what it was sent is written. */
        void closeAfterFlush(Channel channel) {
            if (channel.isActive()) {
                channel.writeAndFlush(wrap(Unpooled.EMPTY_BUFFER)).addListener(ChannelFutureListener.CLOSE);
            }
        }

        /** No more bytes will be written to this side. */
        abstract void endOutput(Channel channel);
    }

    private static List<String> namesFrom(ChannelPipeline pipeline, String first) {
        List<String> names = new ArrayList<>();
        boolean found = false;
        for (Map.Entry<String, ChannelHandler> handler : pipeline) {
            found |= handler.getKey().equals(first);
            if (found) {
                names.add(handler.getKey());
            }
        }
        return names;
    }

    private static List<String> namesAfterTls(ChannelPipeline pipeline) {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, ChannelHandler> handler : pipeline) {
            if (!(handler.getValue() instanceof SslHandler)) {
                names.add(handler.getKey());
            }
        }
        return names;
    }

    /** The two connections' common end, counted once. */
    private static final class Ends {
        private final Channel client;
        private final Channel upstream;
        private final DataPlaneMetrics metrics;
        private final AtomicBoolean counted = new AtomicBoolean();

        Ends(Channel client, Channel upstream, DataPlaneMetrics metrics) {
            this.client = client;
            this.upstream = upstream;
            this.metrics = metrics;
        }

        /** One side closed (the relay closes the other once what it was sent is written). */
        void ended() {
            count();
        }

        void cut(String reason) {
            metrics.connectionCut(reason);
            closeBoth();
        }

        void closeBoth() {
            client.close();
            upstream.close();
            count();
        }

        private void count() {
            if (counted.compareAndSet(false, true)) {
                metrics.upgradedClosed();
            }
        }
    }

    /** Relays one side's bytes to the other. */
    private static final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel peer;
        private final Framing peerFraming;
        private final Ends ends;
        private final boolean clientSide;
        private final Framing ownFraming;

        Relay(Channel peer, Framing peerFraming, Ends ends, boolean clientSide, Framing ownFraming) {
            this.peer = peer;
            this.peerFraming = peerFraming;
            this.ends = ends;
            this.clientSide = clientSide;
            this.ownFraming = ownFraming;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf bytes;
            if (msg instanceof ByteBuf raw) {
                bytes = raw;
            } else if (msg instanceof HttpContent content && ownFraming == Framing.HTTP2_STREAM) {
                bytes = content.content();
            } else {
                ReferenceCountUtil.release(msg); // an HTTP decoder's empty end, as it leaves
                return;
            }
            boolean end = msg instanceof LastHttpContent;
            peer.writeAndFlush(peerFraming.wrap(bytes)).addListener((ChannelFutureListener) written -> {
                if (!written.isSuccess()) {
                    ends.closeBoth();
                } else if (end) {
                    peerFraming.endOutput(peer); // the client ended its stream: a half-close
                } else {
                    ctx.read();
                }
            });
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent) {
                peerFraming.endOutput(peer);
            } else if (event instanceof IdleStateEvent && clientSide) {
                ends.cut("upgraded_idle_timeout");
            }
            ReferenceCountUtil.release(event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            peerFraming.closeAfterFlush(peer);
            ends.ended();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ends.closeBoth();
        }
    }

}
