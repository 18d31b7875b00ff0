package dev.portcullis.dataplane.passthrough;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Relays both directions of a passthrough connection with splice(2): socket to pipe to socket inside
 * the kernel, the bytes never copied into Java buffers. Netty's {@code spliceTo} needs both channels
 * on one epoll event loop and reads with auto-read on, which it turns off while the other side cannot
 * take more (backpressure) and back on once it can.
 *
 * <p>Three things the pipeline no longer sees are kept here. Byte counts come from {@link ReadCounter}.
 * Idleness: no buffer passes the idle handler, so every read round on either side counts as activity.
 * End of input: Netty reports the peer's FIN (EPOLLRDHUP) after its first splice round, possibly with
 * bytes still unread in the socket (at most a pipe's worth is spliced per round); the half-close is
 * passed on only once a round on that side moves no byte while nothing waits in its pipe (auto-read
 * still on), so the tail of a body is never cut.
 */
final class SpliceRelay {

    /** A direction of the relay: what one channel reads and the other writes. */
    private static final class Side {
        final AbstractEpollStreamChannel channel;
        final ReadCounter counter;
        final long startBytes;
        long lastSeen;
        boolean inputEnded;
        boolean eofPassed;

        Side(AbstractEpollStreamChannel channel) {
            this.channel = channel;
            this.counter = ReadCounter.of(channel);
            this.startBytes = counter.bytes();
            this.lastSeen = startBytes;
        }
    }

    private final Side client;
    private final Side upstream;
    private final long idleNanos;
    private final Runnable closeBoth;
    private long lastActivityNanos = System.nanoTime();
    private ScheduledFuture<?> idleCheck;

    private SpliceRelay(AbstractEpollStreamChannel client, AbstractEpollStreamChannel upstream, long idleNanos,
                        Runnable closeBoth) {
        this.client = new Side(client);
        this.upstream = new Side(upstream);
        this.idleNanos = idleNanos;
        this.closeBoth = closeBoth;
    }

    /** Whether the two channels can be spliced: both epoll, one event loop, both counting their reads. */
    static boolean possible(Channel client, Channel upstream) {
        return client instanceof AbstractEpollStreamChannel && upstream instanceof AbstractEpollStreamChannel
                && client.eventLoop() == upstream.eventLoop()
                && ReadCounter.of(client) != null && ReadCounter.of(upstream) != null;
    }

    /**
     * Starts splicing both ways. Whatever was written to either channel before (the peeked ClientHello,
     * a PROXY protocol header) sits ahead in its outbound buffer, where the splices queue behind it.
     */
    static SpliceRelay start(Channel client, Channel upstream, long idleNanos, Runnable closeBoth) {
        SpliceRelay relay = new SpliceRelay((AbstractEpollStreamChannel) client, (AbstractEpollStreamChannel) upstream,
                idleNanos, closeBoth);
        relay.splice(relay.client, relay.upstream);
        relay.splice(relay.upstream, relay.client);
        relay.scheduleIdleCheck(idleNanos);
        return relay;
    }

    private void splice(Side from, Side to) {
        // Integer.MAX_VALUE: splice until the channel closes; a failure (reset, closed pipe) ends both.
        from.channel.spliceTo(to.channel, Integer.MAX_VALUE).addListener((ChannelFutureListener) spliced -> {
            if (!spliced.isSuccess()) {
                closeBoth.run();
            }
        });
        from.channel.config().setAutoRead(true);
    }

    /** Bytes read from the client since splicing started. */
    long bytesFromClient() {
        return client.counter.bytes() - client.startBytes;
    }

    /** Bytes read from the endpoint since splicing started. */
    long bytesFromUpstream() {
        return upstream.counter.bytes() - upstream.startBytes;
    }

    /** The peer of {@code channel} sent its FIN; passed on once its last bytes are through (see the class comment). */
    void inputShutdown(Channel channel) {
        side(channel).inputEnded = true;
    }

    /** A read round on {@code channel} ended: activity, and maybe the end of its input. */
    void readComplete(Channel channel) {
        Side side = side(channel);
        long now = side.counter.bytes();
        boolean moved = now != side.lastSeen;
        side.lastSeen = now;
        if (moved) {
            lastActivityNanos = System.nanoTime();
            return;
        }
        if (!side.inputEnded || !side.channel.config().isAutoRead()) {
            return;
        }
        // At end of input a level-triggered socket stays readable: stop reading it.
        side.channel.config().setAutoRead(false);
        if (!side.eofPassed) {
            side.eofPassed = true;
            Side other = side == client ? upstream : client;
            PassthroughHandler.halfClose(other.channel, other.eofPassed);
        }
    }

    void stop() {
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
    }

    private Side side(Channel channel) {
        return channel == client.channel ? client : upstream;
    }

    private void scheduleIdleCheck(long delayNanos) {
        idleCheck = client.channel.eventLoop().schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void checkIdle() {
        if (!client.channel.isActive()) {
            return;
        }
        long idleFor = System.nanoTime() - lastActivityNanos;
        if (idleFor >= idleNanos) {
            closeBoth.run();
        } else {
            scheduleIdleCheck(idleNanos - idleFor);
        }
    }
}
