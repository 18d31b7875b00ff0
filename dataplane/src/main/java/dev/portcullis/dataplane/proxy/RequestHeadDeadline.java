package dev.portcullis.dataplane.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;

/**
 * The time a client has to send a whole request head (HAProxy's {@code timeout http-request}):
 * from the connection's start for its first request, from the first byte of each later one. A
 * client that trickles a head byte by byte (slowloris) gets a {@link Expired} event, which the
 * proxy answers with 408 and a closed connection, instead of holding a descriptor for ever.
 * Sits before the HTTP/1 decoder, so it sees bytes arrive; the proxy tells it when a head is whole.
 */
public final class RequestHeadDeadline extends ChannelDuplexHandler {

    /** Fired down the pipeline when the deadline passes with no whole head. */
    public enum Expired { INSTANCE }

    private final long deadlineMillis;
    private ChannelHandlerContext ctx;
    private LazyDeadline timer;
    private boolean startOnNextByte;

    public RequestHeadDeadline(long deadlineMillis) {
        this.deadlineMillis = deadlineMillis;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.timer = new LazyDeadline(ctx.executor(), this::expire);
        if (ctx.channel().isActive()) {
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (startOnNextByte) {
            startOnNextByte = false;
            start();
        }
        ctx.fireChannelRead(msg);
    }

    /** A whole head arrived: no deadline until the next request begins. */
    public void headReceived() {
        cancel();
    }

    /** The exchange is over and the connection kept: the next head's clock starts at its first byte. */
    public void awaitNextHead() {
        cancel();
        startOnNextByte = true;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        timer.stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        timer.stop(); // an upgrade left HTTP
    }

    private void start() {
        if (!timer.armed()) {
            timer.arm(deadlineMillis);
        }
    }

    private void expire() {
        ctx.fireUserEventTriggered(Expired.INSTANCE);
    }

    private void cancel() {
        timer.disarm();
    }
}
