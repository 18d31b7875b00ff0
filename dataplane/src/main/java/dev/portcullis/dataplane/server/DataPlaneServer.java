package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.admin.AdminServer;
import dev.portcullis.dataplane.config.DrainSettings;
import dev.portcullis.dataplane.config.LimitOverrides;
import dev.portcullis.dataplane.metrics.DataPlaneMetrics;
import dev.portcullis.dataplane.passthrough.PassthroughConnector;
import dev.portcullis.dataplane.runtime.LiveConfig;
import dev.portcullis.dataplane.runtime.RuntimeConfig;
import dev.portcullis.dataplane.runtime.RuntimeCompiler;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.dataplane.tls.ServerSslContexts;
import dev.portcullis.dataplane.tls.UpstreamSslContexts;
import dev.portcullis.dataplane.upstream.UpstreamConnections;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.handler.ssl.OpenSsl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.portcullis.dataplane.accesslog.AsyncAccessLog;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The data plane: a plain HTTP listener, a TLS listener and the admin listener, serving whatever
 * configuration {@link #config()} holds. Snapshots arrive through {@link LiveConfig#apply}.
 */
public final class DataPlaneServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DataPlaneServer.class);

    /**
     * Where to listen; port 0 picks a free port (see the bound addresses). {@code httpsRedirectPort}
     * is the port redirects to https name, 0 meaning the TLS listener's own (behind a load balancer
     * that maps 443 to it, say 443). TLS settings are not here: they travel in the snapshot; limits
     * given here replace the snapshot's (standalone use: a managed data plane takes its DataPlane's).
     */
    public record Listen(String bindAddress, int httpPort, int httpsPort, int adminPort, int httpsRedirectPort,
                         LimitOverrides limits) {
        public Listen {
            limits = limits == null ? LimitOverrides.NONE : limits;
        }

        public Listen(String bindAddress, int httpPort, int httpsPort, int adminPort, int httpsRedirectPort) {
            this(bindAddress, httpPort, httpsPort, adminPort, httpsRedirectPort, LimitOverrides.NONE);
        }

        public Listen(String bindAddress, int httpPort, int httpsPort, int adminPort) {
            this(bindAddress, httpPort, httpsPort, adminPort, 0);
        }

        public static Listen loopbackEphemeral() {
            return new Listen("127.0.0.1", 0, 0, 0);
        }
    }

    private final DataPlaneMetrics metrics = new DataPlaneMetrics();
    private final LiveConfig config;
    private final Transport transport = Transport.best();
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final Channel httpChannel;
    private final Channel httpsChannel;
    private final AdminServer admin;
    private final AsyncAccessLog accessLog;
    private final ChannelGroup connections = new DefaultChannelGroup("client connections", GlobalEventExecutor.INSTANCE);

    private DataPlaneServer(Listen listen, int workerThreads) throws IOException {
        NettyTuning.apply();
        ServerSslContexts sslContexts = new ServerSslContexts();
        IssuedCertificate generated = CertificateAuthority.selfSigned("portcullis default certificate",
                List.of("portcullis.invalid"));
        ServerSslContexts.ServedCertificate defaultCertificate =
                sslContexts.fromKeyMaterial(RuntimeCompiler.GENERATED_DEFAULT, generated.keyMaterial());
        UpstreamSslContexts upstreamSslContexts = new UpstreamSslContexts();
        config = new LiveConfig(new RuntimeCompiler(sslContexts, upstreamSslContexts, defaultCertificate, metrics),
                sslContexts, upstreamSslContexts, metrics);
        config.overrideLimits(listen.limits());
        accessLog = new AsyncAccessLog(new FileOutputStream(FileDescriptor.out), metrics.accessLogDropped());
        config.useAccessLog(accessLog);

        acceptors = transport.newGroup(1);
        workers = transport.newGroup(workerThreads);
        config.health().startChecks(workers, transport.clientChannel());
        UpstreamConnections upstreams = new UpstreamConnections(transport.clientChannel());
        PassthroughConnector passthrough = new PassthroughConnector(transport.clientChannel(), config);
        IntSupplier redirectPort = () -> listen.httpsRedirectPort() != 0 ? listen.httpsRedirectPort()
                : httpsAddress().getPort();
        HttpPipeline http = new HttpPipeline(config, upstreams, metrics, redirectPort, new ClientErrors(metrics));
        try {
            httpsChannel = bind(listen.bindAddress(), listen.httpsPort(),
                    new ProxyChannelInitializer(true, config, http, passthrough, metrics, connections));
            httpChannel = bind(listen.bindAddress(), listen.httpPort(),
                    new ProxyChannelInitializer(false, config, http, passthrough, metrics, connections));
            admin = AdminServer.start(new InetSocketAddress(listen.bindAddress(), listen.adminPort()), config, metrics);
        } catch (IOException | RuntimeException e) {
            shutdownGroups();
            throw e;
        }
        LOG.info("listening: http {}, https {}, admin {} ({} transport, TLS by {}, {})", httpAddress(), httpsAddress(),
                adminAddress(), transport.name(), OpenSsl.isAvailable() ? "OpenSSL (BoringSSL)" : "the JDK",
                NettyTuning.describe());
    }

    public static DataPlaneServer start(Listen listen) throws IOException {
        return new DataPlaneServer(listen, Runtime.getRuntime().availableProcessors());
    }

    private Channel bind(String address, int port, ProxyChannelInitializer initializer) throws IOException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(initializer);
        try {
            return bootstrap.bind(address, port).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding " + address + ":" + port, e);
        } catch (Exception e) {
            throw new IOException("cannot listen on " + address + ":" + port + ": " + e.getMessage(), e);
        }
    }

    public LiveConfig config() {
        return config;
    }

    public DataPlaneMetrics metrics() {
        return metrics;
    }

    public InetSocketAddress httpAddress() {
        return (InetSocketAddress) httpChannel.localAddress();
    }

    public InetSocketAddress httpsAddress() {
        return (InetSocketAddress) httpsChannel.localAddress();
    }

    public InetSocketAddress adminAddress() {
        return admin.address();
    }

    /**
     * Leaves gracefully, as on SIGTERM (see {@link DrainSettings}): not ready at once, connections told
     * to finish (HTTP/1 keep-alive ends, HTTP/2 gets GOAWAY), listeners closed after the delay, then
     * a wait for what is in flight until the timeout. Blocks the calling thread; {@link #close()} follows.
     */
    public void drain() throws InterruptedException {
        drain(Thread::sleep); // load balancers take the delay to see the pod not ready
    }

    /** What waits out the drain's delay: a sleep in production, an event a test controls. */
    interface DrainDelay {
        void await(long millis) throws InterruptedException;
    }

    void drain(DrainDelay delay) throws InterruptedException {
        RuntimeConfig current = config.current();
        DrainSettings drain = current == null ? DrainSettings.DEFAULT : current.drain();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(drain.timeoutMillis());
        config.startDraining();
        LOG.info("draining: not ready from now, listeners close in {} ms, {} connections have {} ms to finish",
                drain.delayMillis(), connections.size(), drain.timeoutMillis());
        connections.forEach(connection -> connection.pipeline().fireUserEventTriggered(Draining.NOTICE));
        delay.await(drain.delayMillis());
        httpChannel.close().syncUninterruptibly();
        httpsChannel.close().syncUninterruptibly();
        connections.forEach(connection -> connection.pipeline().fireUserEventTriggered(Draining.CLOSE));
        long left = Math.max(0, deadline - System.nanoTime());
        boolean finished = connections.newCloseFuture().await(left, TimeUnit.NANOSECONDS);
        LOG.info("drained: {}", finished ? "every connection finished" : connections.size() + " connections cut at the timeout");
    }

    @Override
    public void close() {
        admin.close();
        config.health().close();
        httpChannel.close().syncUninterruptibly();
        httpsChannel.close().syncUninterruptibly();
        shutdownGroups();
    }

    private void shutdownGroups() {
        acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        accessLog.close();
    }
}
