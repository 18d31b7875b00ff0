package dev.portcullis.dataplane.health;

import dev.portcullis.dataplane.config.HealthCheck;
import dev.portcullis.dataplane.runtime.UpstreamCluster;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;

import javax.net.ssl.SSLException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Runs one cluster's active check against each of its endpoints, on the data plane's event loops
 * (each endpoint on one loop, non-blocking): every interval plus up to 10 % jitter, the first at a
 * random point of the first interval so that checks of many endpoints do not come in bursts.
 * An {@code http} check sends {@code GET path} (over the cluster's verified TLS when it
 * re-encrypts) and reads the status; a {@code tls} check completes a TLS handshake, trusting any
 * certificate unless the cluster re-encrypts (a passthrough pod's certificate is its clients'
 * business); a {@code tcp} check connects. Stopped when the cluster leaves or changes.
 */
final class ActiveChecker {

    private static volatile SslContext anyCertificate;

    private final ClusterHealth health;
    private final HealthCheck check;
    private final SslContext tls;
    private final String serverName;
    private final Bootstrap bootstrap;
    private final List<ScheduledFuture<?>> scheduled = new ArrayList<>();
    private volatile boolean stopped;

    private ActiveChecker(UpstreamCluster cluster, Class<? extends Channel> channelType) {
        this.health = cluster.health();
        this.check = health.check();
        this.serverName = cluster.upstreamServerName();
        this.tls = cluster.upstreamSsl() != null ? cluster.upstreamSsl()
                : check.kind() == HealthCheck.Kind.TLS ? anyCertificate() : null;
        this.bootstrap = new Bootstrap().channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, check.timeoutMillis()))
                .option(ChannelOption.TCP_NODELAY, true);
    }

    static ActiveChecker start(UpstreamCluster cluster, EventLoopGroup loops, Class<? extends Channel> channelType) {
        ActiveChecker checker = new ActiveChecker(cluster, channelType);
        for (InetSocketAddress endpoint : checker.health.endpoints()) {
            EventLoop loop = loops.next();
            synchronized (checker.scheduled) {
                checker.scheduled.add(loop.schedule(() -> checker.run(loop, endpoint),
                        ThreadLocalRandom.current().nextLong(checker.check.intervalMillis() + 1), TimeUnit.MILLISECONDS));
            }
        }
        return checker;
    }

    void stop() {
        stopped = true;
        synchronized (scheduled) {
            scheduled.forEach(future -> future.cancel(false));
            scheduled.clear();
        }
    }

    private void run(EventLoop loop, InetSocketAddress endpoint) {
        if (stopped) {
            return;
        }
        Probe probe = new Probe(loop, endpoint);
        ChannelFuture connect = bootstrap.clone(loop).handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                if (tls != null) {
                    SslHandler ssl = serverName != null
                            ? tls.newHandler(channel.alloc(), serverName, endpoint.getPort())
                            : tls.newHandler(channel.alloc());
                    channel.pipeline().addLast(ssl);
                    ssl.handshakeFuture().addListener(done -> probe.handshakeDone(channel, done));
                }
                if (check.kind() == HealthCheck.Kind.HTTP) {
                    channel.pipeline().addLast(new HttpClientCodec(), probe);
                }
            }
        }).connect(endpoint);
        probe.timer = loop.schedule(() -> probe.done(false, "no answer within " + check.timeoutMillis() + " ms"),
                check.timeoutMillis(), TimeUnit.MILLISECONDS);
        probe.channel = connect.channel();
        connect.addListener((ChannelFutureListener) connected -> {
            if (!connected.isSuccess()) {
                probe.done(false, "connect: " + connected.cause().getMessage());
            } else if (tls == null) {
                probe.connected(connected.channel());
            }
        });
    }

    /** One check of one endpoint; its outcome counts once. */
    private final class Probe extends ChannelInboundHandlerAdapter {
        private final EventLoop loop;
        private final InetSocketAddress endpoint;
        private ScheduledFuture<?> timer;
        private Channel channel;
        private boolean finished;

        Probe(EventLoop loop, InetSocketAddress endpoint) {
            this.loop = loop;
            this.endpoint = endpoint;
        }

        void handshakeDone(Channel channel, Future<?> handshake) {
            if (!handshake.isSuccess()) {
                done(false, "TLS handshake: " + handshake.cause().getMessage());
            } else {
                connected(channel);
            }
        }

        void connected(Channel channel) {
            if (check.kind() != HealthCheck.Kind.HTTP) {
                done(true, null);
                return;
            }
            DefaultFullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, check.path());
            get.headers().set(HttpHeaderNames.HOST, serverName != null ? serverName
                    : endpoint.getAddress().getHostAddress() + ":" + endpoint.getPort());
            get.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            get.headers().set(HttpHeaderNames.USER_AGENT, "portcullis-health-check");
            channel.writeAndFlush(get).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse response) {
                    int status = response.status().code();
                    done(check.expected(status), "answered " + status);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done(false, "closed before answering");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done(false, cause.getMessage());
        }

        void done(boolean passed, String problem) {
            if (finished) {
                return;
            }
            finished = true;
            if (timer != null) {
                timer.cancel(false);
            }
            if (channel != null) {
                channel.close();
            }
            if (stopped) {
                return;
            }
            health.checked(endpoint, passed, problem);
            long jitter = ThreadLocalRandom.current().nextLong(check.intervalMillis() / 10 + 1);
            ScheduledFuture<?> next = loop.schedule(() -> run(loop, endpoint), check.intervalMillis() + jitter,
                    TimeUnit.MILLISECONDS);
            synchronized (scheduled) {
                scheduled.removeIf(Future::isDone);
                if (stopped) {
                    next.cancel(false);
                } else {
                    scheduled.add(next);
                }
            }
        }
    }

    private static SslContext anyCertificate() {
        SslContext context = anyCertificate;
        if (context == null) {
            try {
                context = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
            } catch (SSLException e) {
                throw new IllegalStateException("cannot build the TLS context of handshake checks", e);
            }
            anyCertificate = context;
        }
        return context;
    }
}
