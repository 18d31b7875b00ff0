package dev.portcullis.dataplane.proxy;

import dev.portcullis.dataplane.access.AccessGate;
import dev.portcullis.dataplane.server.ClientAddress;
import dev.portcullis.dataplane.auth.AuthDecision;
import dev.portcullis.dataplane.auth.ExternalAuthClient;
import dev.portcullis.dataplane.config.RetryPolicy;
import dev.portcullis.dataplane.upstream.ConnectRetryPolicy;
import dev.portcullis.dataplane.upstream.RetryAttempts;
import dev.portcullis.dataplane.upstream.UpstreamWarnings;
import dev.portcullis.dataplane.metrics.DataPlaneMetrics;
import dev.portcullis.dataplane.metrics.HostMetrics;
import dev.portcullis.dataplane.runtime.LiveConfig;
import dev.portcullis.dataplane.runtime.ClientCertificateOf;
import dev.portcullis.dataplane.runtime.ErrorPages;
import dev.portcullis.dataplane.runtime.RoutedHost;
import dev.portcullis.dataplane.tls.ClientCertificate;
import dev.portcullis.dataplane.runtime.RouteTarget;
import dev.portcullis.dataplane.runtime.RuntimeConfig;
import dev.portcullis.dataplane.runtime.UpstreamCluster;
import dev.portcullis.dataplane.upstream.UpstreamConnections;
import dev.portcullis.dataplane.upstream.UpstreamHandler;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.portcullis.dataplane.config.Limits;

import java.net.InetSocketAddress;
import java.util.function.IntSupplier;

/**
 * Reverse-proxies HTTP/1.1 requests of one client connection (or of one HTTP/2 stream), one
 * exchange at a time.
 *
 * <p>The client channel runs with AUTO_READ off behind a FlowControlHandler, so every
 * {@code ctx.read()} yields one message: the request head, then body chunks only while the
 * upstream connection is writable, then nothing until the response is done. Response chunks are
 * read from upstream only while the client is writable. Bodies stream both ways without buffering.
 */
public final class HttpProxyHandler extends ChannelInboundHandlerAdapter
        implements UpstreamHandler.Owner, ExchangeDeadlines.Owner {

    private static final Logger LOG = LoggerFactory.getLogger(HttpProxyHandler.class);
    /** A WebSocket may sit silent for long; an hour without a byte either way ends it. */
    static final long UPGRADED_IDLE_TIMEOUT_MILLIS = 3_600_000;
    private static final io.netty.util.AsciiString STRICT_TRANSPORT_SECURITY =
            io.netty.util.AsciiString.cached("strict-transport-security");

    private enum State {
        /** Waiting for the next request head. */
        IDLE,
        /** Picking and connecting to an endpoint; the client is not read meanwhile. */
        CONNECTING,
        /** Request and response stream between client and endpoint. */
        FORWARDING,
        /** The proxy answered itself; the rest of the request body is read and dropped. */
        DISCARDING,
        /** An endpoint's 101 switched the connection to a byte relay; this handler has left. */
        UPGRADED,
        CLOSED
    }

    private final LiveConfig config;
    private final UpstreamConnections upstreams;
    private final DataPlaneMetrics metrics;
    private final String scheme;
    private final IntSupplier httpsRedirectPort;
    private final boolean http2;

    private ChannelHandlerContext ctx;
    private RequestHeadDeadline headDeadline;
    private String sniHost;
    private String clientAddress;
    private java.net.InetAddress clientInetAddress;
    /** The client this request is from: the connection's, or who a trusted proxy's X-Forwarded-For names. */
    private java.net.InetAddress requestClient;
    private int listenerPort;
    private String listenerPortText;

    private State state = State.IDLE;
    private boolean awaitingClientMessage;
    private HttpRequest request;
    private boolean requestHasBody;
    /** The exchange's id (sent to the pod) and the client's Accept, for the proxy's own answers. */
    private String requestId;
    private String accept;
    /** The client asked for 100 Continue and has not had it: it has sent no body yet. */
    private boolean continueWithheld;
    /** The client's HTTP version (the request itself goes on as HTTP/1.1). */
    private HttpVersion clientVersion;
    private boolean requestComplete;
    private boolean clientKeepAlive;
    private long startNanos;
    /**
     * {@link System#nanoTime()} as the message being handled arrived (from the client or the
     * endpoint): the timers it arms and the figures it ends share one clock read. Every other
     * event that can go on to arm a timer or start an exchange (a timer, the endpoint closing, an
     * auth answer, a new connection) reads the clock again first.
     */
    private long eventNanos;
    // For the access log: what this exchange sent, where, and since when; the connection's TLS, read once.
    private long responseBytes;
    private InetSocketAddress answeredBy;
    private long upstreamStartNanos;
    private AccessLogEntries.ConnectionTls connectionTls;
    private HostMetrics hostMetrics;
    private UpstreamCluster cluster;
    private int connectAttempts;
    private boolean staleRetried;
    private final ExchangeBalancing balancing = new ExchangeBalancing();

    private Channel upstream;
    private InetSocketAddress endpoint;
    private boolean upstreamReused;
    private boolean upstreamReusable;
    /** The request head is written to the endpoint and waits for the flush of its first content. */
    private boolean upstreamUnflushed;
    private ExchangeDeadlines deadlines;
    private Limits limits = Limits.DEFAULTS;
    private boolean responseStarted;
    private boolean skippingInterimResponse;
    /** The protocol the client asked to switch to (HTTP/1.1 {@code Upgrade}), or null. */
    private String upgradeProtocol;
    private int responseStatus;
    private boolean keepAliveAfterResponse;
    private final RequestBodyLimit bodyLimit = new RequestBodyLimit();
    /** This request's tries at its cluster's endpoints: health reports, retries, the retry budget. */
    private final RetryAttempts attempts = new RetryAttempts();
    /** The route the request matched (its response edits, CORS and error pages), or null. */
    private RouteTarget target;
    /** The host the request is for (its HSTS and client authentication), or null. */
    private RoutedHost routedHost;
    /** The client's {@code Origin} and request target as they came, for CORS and error pages. */
    private String origin;
    private String clientUri;
    /** The status whose page the route's error backend is making (0: none), and the proxy's reason for it. */
    private int pageForStatus;
    private String pageDetail;
    /** The request counted in progress for its client by a rate limit, or null. */
    private AccessGate.Admitted admission;
    /** Bytes of a refused body still to read and drop before closing; negative: no bound. */
    private long discardBudget = -1;

    /**
     * @param scheme            {@code https} on the TLS listener, {@code http} on the plain one
     * @param httpsRedirectPort the port that redirects to https name (443 is left out of the URL)
     */
    public HttpProxyHandler(LiveConfig config, UpstreamConnections upstreams, DataPlaneMetrics metrics, String scheme,
                            IntSupplier httpsRedirectPort) {
        this(config, upstreams, metrics, scheme, httpsRedirectPort, false);
    }

    /** @param http2 the requests are an HTTP/2 stream's (whose {@code :authority} arrives as a Host field) */
    public HttpProxyHandler(LiveConfig config, UpstreamConnections upstreams, DataPlaneMetrics metrics, String scheme,
                            IntSupplier httpsRedirectPort, boolean http2) {
        this.http2 = http2;
        this.config = config;
        this.upstreams = upstreams;
        this.metrics = metrics;
        this.scheme = scheme;
        this.httpsRedirectPort = httpsRedirectPort;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.deadlines = new ExchangeDeadlines(ctx.executor(), this);
        if (ctx.channel().isActive()) {
            start(); // added after the TLS listener's ClientHello peek
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
    }

    private void start() {
        if (clientAddress != null) {
            return;
        }
        headDeadline = ctx.pipeline().get(RequestHeadDeadline.class);
        sniHost = dev.portcullis.dataplane.runtime.ServedTls.of(ctx.channel());
        InetSocketAddress remote = ClientAddress.of(ctx.channel());
        clientInetAddress = remote.getAddress();
        clientAddress = clientInetAddress.getHostAddress();
        listenerPort = ((InetSocketAddress) ctx.channel().localAddress()).getPort();
        listenerPortText = Integer.toString(listenerPort);
        readClient();
    }

    /**
     * Asks for one more client message. A read cycle can end (as TLS handshake records do) without
     * producing one; {@link #channelReadComplete} then asks again.
     */
    private void readClient() {
        awaitingClientMessage = true;
        ctx.read();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (awaitingClientMessage) {
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        awaitingClientMessage = false;
        eventNanos = System.nanoTime();
        if (msg instanceof HttpRequest head) {
            if (headDeadline != null) {
                headDeadline.headReceived();
            }
            if (state != State.IDLE) {
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            beginExchange(head);
        }
        if (msg instanceof HttpContent content) {
            requestContent(content);
        }
    }

    private void beginExchange(HttpRequest head) {
        startNanos = eventNanos;
        responseBytes = 0;
        answeredBy = null;
        upstreamStartNanos = 0;
        request = head;
        requestComplete = false;
        responseStarted = false;
        skippingInterimResponse = false;
        upgradeProtocol = null;
        connectAttempts = 0;
        staleRetried = false;
        discardBudget = -1;
        continueWithheld = false;
        bodyLimit.reset(0);
        target = null;
        routedHost = null;
        pageForStatus = 0;
        origin = head.headers().get(HttpHeaderNames.ORIGIN);
        clientUri = head.uri();
        RuntimeConfig current = config.current();
        DecoderResult decoded = head.decoderResult();
        accept = head.headers().get(HttpHeaderNames.ACCEPT);
        requestId = decoded.isFailure() ? RequestIds.newId() : RequestIds.assign(head.headers());
        requestClient = clientInetAddress;
        if (decoded.isFailure()) {
            hostMetrics = current == null ? null : current.unmatchedHostMetrics();
            clientKeepAlive = false;
            respondLocally(statusForDecodeFailure(decoded.cause()), "malformed request");
            return;
        }
        clientKeepAlive = HttpUtil.isKeepAlive(head) && !config.draining();
        clientVersion = head.protocolVersion();
        requestHasBody = HttpUtil.isTransferEncodingChunked(head) || HttpUtil.getContentLength(head, 0L) > 0;
        if (current == null) {
            respondLocally(HttpResponseStatus.SERVICE_UNAVAILABLE, "no configuration applied yet");
            return;
        }
        limits = current.limits();
        if (current.clientAddresses().trustsForwardedFor()) {
            requestClient = current.clientAddresses().clientBehind(clientInetAddress,
                    head.headers().getAll(ForwardedHeaders.X_FORWARDED_FOR));
        }
        if (unsupportedExpectation(head)) {
            clientKeepAlive = false; // the body, if any, was never going to be sent
            respondLocally(HttpResponseStatus.EXPECTATION_FAILED, "only Expect: 100-continue is understood");
            return;
        }
        boolean expectsContinue = HttpUtil.is100ContinueExpected(head);
        continueWithheld = expectsContinue;
        if (expectsContinue) {
            // The 100 comes once the request is routed and within its limits: a request answered
            // here (404, 413, 421...) never makes the client send its body. Such a client may then
            // send it anyway or not, so its connection closes after the answer.
            head.headers().remove(HttpHeaderNames.EXPECT);
            clientKeepAlive = false;
        }
        ClientCertificate clientCertificate = ClientCertificateOf.of(ctx.channel());
        RequestRouting.Decision decision = RequestRouting.route(head, current, scheme, sniHost, http2,
                httpsRedirectPort.getAsInt(), clientCertificate);
        routedHost = decision.host();
        switch (decision) {
            case RequestRouting.Forward forward -> {
                hostMetrics = forward.metrics();
                target = forward.target();
                cluster = forward.cluster();
                if (target.access() != null && refusedAccess(target.access().check(requestClient))) {
                    return;
                }
                attempts.begin(cluster, startNanos);
                bodyLimit.reset(cluster.maxRequestBodyBytes());
                if (bodyLimit.declaredTooLarge(head)) { // refused before any endpoint gets a connection
                    refuseBody();
                    return;
                }
                if (expectsContinue) {
                    continueWithheld = false;
                    clientKeepAlive = HttpUtil.isKeepAlive(head) && !config.draining();
                    ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                            Unpooled.EMPTY_BUFFER)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
                }
                // On HTTP/2 only an extended CONNECT has these headers: Http2Requests made it an upgrade.
                // An HTTP/2 pod cannot be asked to switch protocols: it gets the request as it is.
                upgradeProtocol = requestHasBody || cluster.http2() ? null : ForwardedHeaders.upgradeRequested(head);
                boolean trailersAccepted = ForwardedHeaders.acceptsTrailers(head);
                ForwardedHeaders.rewriteRequest(head, clientAddress,
                        requestClient == clientInetAddress ? clientAddress : requestClient.getHostAddress(), scheme, listenerPortText);
                if (routedHost.clientAuth() != null && scheme.equals("https")) {
                    ClientCertificateHeaders.set(head.headers(), clientCertificate,
                            routedHost.clientAuth().settings().passCertificate());
                }
                if (target.requestHeaders() != null) {
                    target.requestHeaders().applyTo(head.headers());
                }
                if (trailersAccepted && cluster.http2()) {
                    ForwardedHeaders.passTrailersAccepted(head);
                }
                if (upgradeProtocol != null) {
                    ForwardedHeaders.askUpgrade(head, upgradeProtocol);
                }
                state = State.CONNECTING;
                if (target.access() != null && target.access().auth() != null) {
                    askAuthentication(head); // the client is not read until it answers
                    return;
                }
                connect(true);
            }
            case RequestRouting.Redirect redirect -> {
                hostMetrics = redirect.metrics();
                target = redirect.target();
                respondLocally(redirect.status(), redirect.location());
            }
            case RequestRouting.Answer answer -> {
                hostMetrics = answer.metrics();
                target = answer.target();
                clientKeepAlive &= !answer.close();
                respondLocally(answer.status(), answer.detail());
            }
            case RequestRouting.Preflight preflight -> {
                hostMetrics = preflight.metrics();
                target = preflight.target();
                FullHttpResponse answer = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT,
                        Unpooled.EMPTY_BUFFER);
                target.cors().preflightAnswer(answer.headers(), origin);
                sendLocally(answer, clientKeepAlive);
            }
        }
    }

    /** Source ranges and rate limits: the proxy answers a refused request (403, 429); true when it did. */
    private boolean refusedAccess(AccessGate.Outcome outcome) {
        if (outcome instanceof AccessGate.Admitted counted) {
            admission = counted;
            return false;
        }
        sendLocally(AccessAnswers.refused(ctx.alloc(), (AccessGate.Refused) outcome, clientKeepAlive, accept, requestId),
                clientKeepAlive);
        return true;
    }

    private void askAuthentication(HttpRequest head) {
        ExternalAuthClient.ask(ctx.channel(), target.access().auth(), head, AccessAnswers.originalUrl(scheme, head, clientUri),
                clientUri, decision -> {
                    eventNanos = System.nanoTime();
                    if (state != State.CONNECTING || request != head) {
                        return; // the client went away meanwhile
                    }
                    if (decision instanceof AuthDecision.Allow allow) {
                        allow.applyTo(head.headers());
                        connect(true);
                    } else {
                        sendLocally(AccessAnswers.denied(ctx.alloc(), (AuthDecision.Deny) decision, clientKeepAlive, accept,
                                requestId), clientKeepAlive);
                    }
                });
    }

    private void connect(boolean allowReuse) {
        connectAttempts++;
        if (upstreamStartNanos == 0) {
            upstreamStartNanos = eventNanos;
        }
        InetSocketAddress target = balancing.pick(cluster, requestClient, request, connectAttempts - 1, attempts::tried);
        attempts.picked(cluster, target);
        upstreams.acquire(ctx.channel().eventLoop(), target, cluster, allowReuse,
                new UpstreamConnections.Callback() {
                    @Override
                    public void acquired(Channel channel, boolean reused) {
                        if (!reused) { // a new connection comes in an event of its own
                            eventNanos = System.nanoTime();
                        }
                        upstreamAcquired(channel, target, reused);
                    }

                    @Override
                    public void failed(Throwable cause) {
                        upstreamConnectFailed(target, cause);
                    }
                });
    }

    private void upstreamAcquired(Channel channel, InetSocketAddress target, boolean reused) {
        if (state != State.CONNECTING) { // the client went away meanwhile
            channel.close();
            return;
        }
        state = State.FORWARDING;
        upstream = channel;
        answeredBy = target;
        endpoint = target;
        upstreamReused = reused;
        upstreamReusable = false;
        UpstreamConnections.handlerOf(channel).owner(this);
        // Writes on both connections go with the void promise: a failed one closes its connection
        // through exceptionCaught, as a listener would, without a promise and listener per write.
        channel.write(request, channel.voidPromise());
        boolean retried = requestComplete;
        if (retried) { // a retry: the bodiless request was already read in full
            channel.write(LastHttpContent.EMPTY_LAST_CONTENT, channel.voidPromise());
        }
        deadlines.watchBodies(eventNanos);
        if (requestComplete) {
            startResponseTimer(eventNanos);
        }
        channel.read();
        if (!requestComplete) {
            // The end of a bodiless request is usually decoded already and comes at once, to go
            // out in the same flush as the head (requestContent flushes); otherwise the head goes alone.
            upstreamUnflushed = true;
            readClient();
        }
        if (upstreamUnflushed || retried) {
            upstreamUnflushed = false;
            channel.flush();
        }
    }

    private void upstreamConnectFailed(InetSocketAddress target, Throwable cause) {
        if (state != State.CONNECTING) {
            return;
        }
        metrics.upstreamConnectError(cluster.name());
        UpstreamWarnings.shared().warn(LOG, cluster.name(), "cluster {}: cannot connect to endpoint {}: {}", cluster.name(), target, describe(cause));
        if (attempts.retryConnect(cluster, target, connectAttempts)) {
            connect(true);
            return;
        }
        boolean timedOut = cause instanceof ConnectTimeoutException;
        boolean tls = cluster.upstreamSsl() != null && !(cause instanceof java.net.ConnectException) && !timedOut;
        respondLocally(timedOut ? HttpResponseStatus.GATEWAY_TIMEOUT : HttpResponseStatus.BAD_GATEWAY,
                timedOut ? "endpoint did not accept the connection in time"
                        : tls ? "TLS to the endpoint failed verification or handshake" : "endpoint refused the connection");
    }

    private void requestContent(HttpContent content) {
        if (content.decoderResult().isFailure()) {
            content.release();
            malformedBody(content.decoderResult().cause());
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (last) {
            requestComplete = true;
        }
        switch (state) {
            case FORWARDING -> {
                if (bodyLimit.exceededBy(content)) {
                    content.release();
                    bodyTooLarge();
                    return;
                }
                deadlines.bodyProgress(eventNanos);
                upstreamUnflushed = false;
                upstream.writeAndFlush(content, upstream.voidPromise());
                if (last) {
                    startResponseTimer(eventNanos); // the endpoint's time to answer starts once it has the whole request
                }
                if (!last && upstream.isWritable()) {
                    readClient();
                }
            }
            case DISCARDING -> {
                int size = content.content().readableBytes();
                content.release();
                if (last) {
                    finishClientExchange(keepAliveAfterResponse);
                } else if (discardBudget >= 0 && (discardBudget -= size) < 0) {
                    finishClientExchange(false); // enough read for the answer to have been seen
                } else {
                    readClient();
                }
            }
            default -> content.release();
        }
    }

    /**
     * A body the decoder could not read (a malformed chunk size, a bad trailer): the endpoint must
     * never take what it got for a complete request, so its connection is cut; the client gets 400
     * and the connection closes, since where its next request would start is unknown.
     */
    private void malformedBody(Throwable cause) {
        LOG.debug("client {}: malformed request body: {}", clientAddress, cause.toString());
        requestComplete = true;
        clientKeepAlive = false;
        if (upstream != null) {
            Channel cut = upstream;
            detachUpstream();
            cut.close();
        }
        if (state != State.FORWARDING || responseStarted) { // an answer has begun, or was given already
            state = State.CLOSED;
            ctx.close();
            return;
        }
        respondLocally(HttpResponseStatus.BAD_REQUEST, "malformed request body");
    }

    @Override
    public void upstreamReadComplete() {
        ctx.flush();
    }

    @Override
    public void upstreamWritable() {
        if (state == State.FORWARDING && !requestComplete) {
            readClient();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        boolean writable = ctx.channel().isWritable();
        deadlines.clientWritabilityChanged(writable, limits.writeStallTimeoutMillis());
        if (writable && state == State.FORWARDING && responseStarted) {
            upstream.read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void writeStalled() {
        if (ctx.channel().isWritable() || state == State.CLOSED) {
            return;
        }
        metrics.connectionCut("write_stall");
        LOG.debug("client {}: read nothing for {} ms, cut", clientAddress, limits.writeStallTimeoutMillis());
        if (upstream != null) {
            Channel abandoned = upstream;
            detachUpstream();
            abandoned.close();
        }
        state = State.CLOSED;
        ctx.close();
    }

    @Override
    public void upstreamRead(Object message) {
        eventNanos = System.nanoTime();
        if (state != State.FORWARDING) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (message instanceof HttpResponse response) {
            if (response.decoderResult().isFailure()) {
                ReferenceCountUtil.release(message);
                upstreamFailed("endpoint sent a malformed response");
                return;
            }
            if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                if (response.status().code() == 101) {
                    ReferenceCountUtil.release(message);
                    switchProtocols(response);
                    return;
                }
                relayInterim(response);
                skippingInterimResponse = true; // the empty end the codec gives an interim response
                ReferenceCountUtil.release(message);
                upstream.read();
                return;
            }
            if (pageForStatus == 0 && attempts.answered(endpoint, response.status().code())
                    && retryElsewhere(attempts.retryOn(response.status().code()), "http-" + response.status().code())) {
                ReferenceCountUtil.release(message);
                return;
            }
            if (errorPageWanted(response.status().code())) {
                ReferenceCountUtil.release(message);
                fetchErrorPage(response.status().code(), "the endpoint answered " + response.status());
                return;
            }
            if (pageForStatus != 0) { // the error backend's page, sent with the status it was made for
                response.setStatus(HttpResponseStatus.valueOf(pageForStatus));
            }
            skippingInterimResponse = false;
            responseStarted = true;
            deadlines.responseStarted();
            responseStatus = response.status().code();
            upstreamReusable = HttpUtil.isKeepAlive(response);
            keepAliveAfterResponse = ForwardedHeaders.rewriteResponse(response, clientKeepAlive && !config.draining(),
                    clientVersion, HttpMethod.HEAD.equals(request.method()));
            editResponse(response.headers());
            balancing.decorate(response.headers());
        }
        boolean last = message instanceof LastHttpContent;
        deadlines.bodyProgress(eventNanos);
        if (skippingInterimResponse) {
            ReferenceCountUtil.release(message);
            skippingInterimResponse = !last;
            upstream.read();
            return;
        }
        if (message instanceof HttpContent content) {
            responseBytes += content.content().readableBytes();
        }
        if (last) {
            recordMetrics(responseStatus, eventNanos); // before the client can see the end of the response
        }
        if (last) {
            ctx.writeAndFlush(message, ctx.voidPromise());
        } else {
            // Flushed once per upstream read cycle (upstreamReadComplete), not once per chunk.
            ctx.write(message, ctx.voidPromise());
        }
        if (last) {
            responseComplete();
        } else if (ctx.channel().isWritable()) {
            upstream.read();
        }
    }

    /**
     * An interim response (100 Continue, 103 Early Hints) goes on to the client as it came, but
     * never to an HTTP/1.0 client, which does not know them (RFC 9110 15.2).
     */
    private void relayInterim(HttpResponse interim) {
        if (!http2 && clientVersion.minorVersion() == 0) {
            return;
        }
        FullHttpResponse toClient = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, interim.status(), Unpooled.EMPTY_BUFFER);
        toClient.headers().set(interim.headers());
        ForwardedHeaders.removeHopByHop(toClient.headers());
        ctx.writeAndFlush(toClient).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    /**
     * The endpoint agreed to the protocol the client asked for: the 101 goes to the client and both
     * connections become a byte relay (this handler leaves the pipeline). A 101 nobody asked for
     * leaves the endpoint's connection in an unknown protocol: a bad gateway.
     */
    private void switchProtocols(HttpResponse switching) {
        String protocol = switching.headers().get(HttpHeaderNames.UPGRADE);
        if (upgradeProtocol == null || protocol == null || !requestComplete) {
            upstreamFailed("endpoint switched protocols unasked");
            return;
        }
        responseStarted = true;
        deadlines.responseStarted();
        recordMetrics(101);
        HttpResponse toClient;
        String firstHttpHandler;
        if (http2) {
            // RFC 8441: a 2xx to the extended CONNECT opens the tunnel; the stream stays open for it.
            toClient = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, switching.headers().copy());
            ForwardedHeaders.removeHopByHop(toClient.headers());
            toClient.headers().remove(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT);
            java.util.List<String> names = ctx.pipeline().names(); // the frame codec stays: it carries the tunnel
            firstHttpHandler = names.get(names.indexOf(ctx.pipeline().context(Http2StreamFrameToHttpObjectCodec.class).name()) + 1);
        } else {
            toClient = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, switching.status(), Unpooled.EMPTY_BUFFER,
                    switching.headers().copy(), EmptyHttpHeaders.INSTANCE);
            ForwardedHeaders.removeHopByHop(toClient.headers());
            toClient.headers().set(HttpHeaderNames.UPGRADE, protocol).set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            firstHttpHandler = ctx.pipeline().context(IdleStateHandler.class).name(); // HttpPipeline's first
        }
        ctx.writeAndFlush(toClient).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        Channel tunnelled = upstream;
        detachUpstream();
        deadlines.closed();
        releaseAdmission();
        state = State.UPGRADED;
        UpgradedTunnel.open(ctx, firstHttpHandler, http2, tunnelled, protocol,
                ClusterTimeouts.upgradedIdle(cluster, UPGRADED_IDLE_TIMEOUT_MILLIS), metrics);
    }

    private void responseComplete() {
        Channel finished = upstream;
        detachUpstream();
        if (requestComplete && upstreamReusable) {
            upstreams.release(finished);
        } else {
            finished.close();
        }
        if (!requestComplete) {
            // The endpoint answered before the whole body arrived; the rest cannot be skipped safely.
            keepAliveAfterResponse = false;
        }
        finishClientExchange(keepAliveAfterResponse);
    }

    @Override
    public void upstreamClosed() {
        eventNanos = System.nanoTime(); // an event of its own: see eventNanos
        if (state != State.FORWARDING) {
            return;
        }
        Channel closed = upstream;
        upstream = null;
        balancing.finished();
        deadlines.exchangeEnded();
        if (responseStarted) {
            // Mid-body: the client can only learn of it by the connection closing.
            UpstreamWarnings.shared().warn(LOG, cluster.name(), "cluster {}: endpoint {} closed the connection mid-response", cluster.name(), endpoint);
            state = State.CLOSED;
            ctx.close();
            return;
        }
        boolean neverProcessed = closed != null && UpstreamConnections.handlerOf(closed) != null
                && UpstreamConnections.handlerOf(closed).neverProcessed();
        if (neverProcessed ? ConnectRetryPolicy.resendUnprocessed(requestHasBody, staleRetried)
                : upstreamReused && ConnectRetryPolicy.resendAfterSilentClose(request.method().name(), requestHasBody, staleRetried)) {
            // A pooled connection the endpoint had just closed (a bodiless idempotent request), or a
            // stream it refused unprocessed (any bodiless request): it goes again, once.
            staleRetried = true;
            state = State.CONNECTING;
            connect(false);
            return;
        }
        if (attempts.failed(endpoint) && retryElsewhere(RetryPolicy.On.RESET, "reset")) {
            return;
        }
        upstreamFailed("endpoint closed the connection before responding");
    }

    /**
     * Sends the request to another endpoint after {@code failure}, when the cluster's retry policy,
     * the request (bodiless and idempotent) and the retry budget allow; the failed try is dropped.
     */
    private boolean retryElsewhere(RetryPolicy.On failure, String reason) {
        if (failure == null || !attempts.retry(failure, RetryAttempts.replayable(request.method().name(), requestHasBody), reason)) {
            return false;
        }
        if (upstream != null) {
            Channel dropped = upstream;
            detachUpstream();
            dropped.close();
        }
        state = State.CONNECTING;
        connect(true);
        return true;
    }

    private void startResponseTimer(long nowNanos) {
        if (upstream != null && !responseStarted) {
            deadlines.startResponseTimer(responseStartTimeoutMillis(), nowNanos);
        }
    }

    private long responseStartTimeoutMillis() {
        return attempts.responseStartMillis(ClusterTimeouts.responseStart(cluster, limits));
    }

    /**
     * The body grew past the cluster's limit mid-stream: the endpoint's connection is closed, so
     * it never takes what it got for a complete request; the client gets 413, or, once the
     * response has begun, loses the connection.
     */
    private void bodyTooLarge() {
        metrics.connectionCut("body_too_large");
        LOG.debug("client {}: request body over {} bytes for cluster {}, refused", clientAddress, bodyLimit.max(),
                cluster.name());
        if (upstream != null) {
            Channel aborted = upstream;
            detachUpstream();
            aborted.close();
        }
        if (responseStarted) {
            state = State.CLOSED;
            ctx.close();
            return;
        }
        refuseBody();
    }

    /**
     * 413 and the connection closes; up to {@link RequestBodyLimit#DRAIN_ALLOWANCE_BYTES} of the
     * rest of the body are read and dropped first, so that a client still sending reads the
     * answer instead of a reset.
     */
    private void refuseBody() {
        if (state != State.FORWARDING) { // refused on Content-Length, before any endpoint
            metrics.connectionCut("body_too_large");
        }
        clientKeepAlive = false;
        recordMetrics(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code());
        FullHttpResponse tooLarge = LocalResponses.of(ctx.alloc(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "the request body is larger than " + bodyLimit.max() + " bytes", false, accept, requestId);
        editResponse(tooLarge.headers());
        ctx.writeAndFlush(tooLarge).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        keepAliveAfterResponse = false;
        if (requestComplete || continueWithheld) { // a client still waiting for 100 sends no body to drain
            finishClientExchange(false);
            return;
        }
        discardBudget = RequestBodyLimit.DRAIN_ALLOWANCE_BYTES;
        state = State.DISCARDING;
        readClient();
    }

    @Override
    public boolean bodyStreaming() {
        return state == State.FORWARDING && (!requestComplete || responseStarted);
    }

    @Override
    public long bodyIdleLimitMillis() {
        return ClusterTimeouts.bodyIdle(cluster, limits, requestComplete, responseStarted);
    }

    @Override
    public void bodyIdle(long idleMillis) {
        eventNanos = System.nanoTime(); // an event of its own: see eventNanos
        if (state != State.FORWARDING) {
            return;
        }
        metrics.connectionCut("body_idle_timeout");
        LOG.debug("client {}: body idle for {} ms, cut", clientAddress, idleMillis);
        Channel stalled = upstream;
        // The request body waits on an endpoint that takes nothing (its connection is full), not on the client.
        boolean endpointStalled = !requestComplete && stalled != null && !stalled.isWritable();
        detachUpstream();
        if (stalled != null) {
            stalled.close();
        }
        if (responseStarted) {
            state = State.CLOSED;
            ctx.close();
        } else {
            clientKeepAlive = false;
            requestComplete = true;
            respondLocally(endpointStalled ? HttpResponseStatus.GATEWAY_TIMEOUT : HttpResponseStatus.REQUEST_TIMEOUT,
                    endpointStalled ? "endpoint stopped taking the request body" : "the request body stopped arriving");
        }
    }

    @Override
    public void responseTimedOut() {
        eventNanos = System.nanoTime(); // an event of its own: see eventNanos
        if (state != State.FORWARDING || responseStarted) {
            return;
        }
        UpstreamWarnings.shared().warn(LOG, cluster.name(), "cluster {}: endpoint {} did not respond within {} ms", cluster.name(), endpoint,
                responseStartTimeoutMillis());
        if (attempts.failed(endpoint) && retryElsewhere(RetryPolicy.On.TIMEOUT, "timeout")) {
            return;
        }
        Channel abandoned = upstream;
        detachUpstream();
        abandoned.close();
        respondLocally(HttpResponseStatus.GATEWAY_TIMEOUT, "endpoint did not respond in time");
    }

    private void upstreamFailed(String why) {
        UpstreamWarnings.shared().warn(LOG, cluster.name(), "cluster {}: endpoint {}: {}", cluster.name(), endpoint, why);
        if (upstream != null) {
            Channel failed = upstream;
            detachUpstream();
            failed.close();
        }
        respondLocally(HttpResponseStatus.BAD_GATEWAY, why);
    }

    private void detachUpstream() {
        balancing.finished();
        deadlines.exchangeEnded();
        if (upstream != null) {
            UpstreamConnections.handlerOf(upstream).owner(null);
            upstream = null;
        }
    }

    /**
     * Answers the current request from the proxy itself (or has the route's error backend make the
     * page for it); the rest of its body is dropped.
     */
    private void respondLocally(HttpResponseStatus status, String detail) {
        if (errorPageWanted(status.code())) {
            fetchErrorPage(status.code(), detail);
            return;
        }
        if (pageForStatus != 0) { // the error backend failed to make the page: the proxy's own, for the first status
            status = HttpResponseStatus.valueOf(pageForStatus);
            detail = pageDetail;
        }
        boolean keepAlive = clientKeepAlive && (requestComplete || state != State.FORWARDING);
        sendLocally(status.codeClass() == HttpStatusClass.REDIRECTION
                ? LocalResponses.redirect(ctx.alloc(), status, detail, keepAlive, accept, requestId)
                : request != null && LocalResponses.isGrpc(request)
                ? LocalResponses.grpc(ctx.alloc(), status, detail, keepAlive, requestId)
                : LocalResponses.of(ctx.alloc(), status, detail, keepAlive, accept, requestId), keepAlive);
    }

    private void sendLocally(FullHttpResponse answer, boolean keepAlive) {
        editResponse(answer.headers());
        responseBytes = answer.content().readableBytes();
        answeredBy = null;
        recordMetrics(answer.status().code());
        ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        keepAliveAfterResponse = keepAlive;
        if (requestComplete || !keepAlive) {
            finishClientExchange(keepAlive);
        } else {
            state = State.DISCARDING;
            readClient();
        }
    }

    /** The host's HSTS (on HTTPS, unless the pod sent its own), the route's response header edits and CORS fields. */
    private void editResponse(io.netty.handler.codec.http.HttpHeaders headers) {
        if (routedHost != null && routedHost.hsts() != null && scheme.equals("https")
                && !headers.contains(STRICT_TRANSPORT_SECURITY)) {
            headers.set(STRICT_TRANSPORT_SECURITY, routedHost.hsts());
        }
        if (target == null || !target.editsResponses()) {
            return;
        }
        if (target.responseHeaders() != null) {
            target.responseHeaders().applyTo(headers);
        }
        if (target.cors() != null) {
            target.cors().decorate(headers, origin);
        }
    }

    /**
     * Whether a response of this status (the endpoint's or the proxy's) gets its page from the
     * route's error backend: only once per request, for a request without a body or once its body
     * was read in full (it is never sent again), never for an upgrade or a gRPC call (whose client
     * reads a status, not a page).
     */
    private boolean errorPageWanted(int status) {
        ErrorPages pages = target == null ? null : target.errorPages();
        return pages != null && pageForStatus == 0 && pages.covers(status) && (requestComplete || !requestHasBody)
                && upgradeProtocol == null
                && request != null && !LocalResponses.isGrpc(request) && pages.cluster().balancer().size() > 0;
    }

    /** Drops the exchange in progress and asks the error backend for the page of {@code status}. */
    private void fetchErrorPage(int status, String detail) {
        pageForStatus = status;
        pageDetail = detail;
        if (upstream != null) {
            Channel dropped = upstream;
            detachUpstream();
            dropped.close();
        }
        ErrorPages pages = target.errorPages();
        cluster = pages.cluster();
        request = ErrorPageRequest.of(pages.source(), status, request, clientUri, accept);
        requestHasBody = false;
        connectAttempts = 0;
        staleRetried = false;
        responseStarted = false;
        skippingInterimResponse = false;
        state = State.CONNECTING;
        connect(true);
    }

    private void finishClientExchange(boolean keepAlive) {
        balancing.finished();
        deadlines.exchangeEnded();
        releaseAdmission();
        attempts.end();
        request = null;
        cluster = null;
        target = null;
        routedHost = null;
        if (keepAlive) {
            state = State.IDLE;
            if (headDeadline != null) {
                headDeadline.awaitNextHead();
            }
            readClient();
        } else {
            state = State.CLOSED;
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void recordMetrics(int status) {
        recordMetrics(status, System.nanoTime());
    }

    private void recordMetrics(int status, long nowNanos) {
        if (hostMetrics != null) {
            hostMetrics.record(status, nowNanos - startNanos);
        }
        logAccess(status);
    }

    private void logAccess(int status) {
        RuntimeConfig current = config.current();
        if (current == null || !current.accessLog().enabled()) {
            return;
        }
        if (connectionTls == null) {
            connectionTls = AccessLogEntries.ConnectionTls.of(ctx.channel());
        }
        var exchange = new AccessLogEntries.Exchange(request, clientUri, http2 ? "HTTP/2" : clientVersion == null ? null : clientVersion.text(),
                status, responseBytes, answeredBy, cluster == null ? null : cluster.name(), startNanos, upstreamStartNanos,
                Math.max(0, connectAttempts - 1), requestId, status == 101);
        config.accessLog().log(AccessLogEntries.of(ctx.channel(), requestClient, sniHost, connectionTls, exchange,
                current.accessLog().includeQuery()), current.accessLog());
    }

    /** Which check failed: the TLS verification message (name, chain) when there is one. */
    private static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == cause ? cause.toString() : cause.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /** An {@code Expect} other than 100-continue (RFC 9110 10.1.1), from an HTTP/1.1 (or HTTP/2) client. */
    private static boolean unsupportedExpectation(HttpRequest head) {
        String expect = head.headers().get(HttpHeaderNames.EXPECT);
        return expect != null && head.protocolVersion().minorVersion() >= 1
                && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect.trim());
    }

    private static HttpResponseStatus statusForDecodeFailure(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return HttpResponseStatus.REQUEST_URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        if (cause instanceof TooLongFrameException) {
            return HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
        }
        return HttpResponseStatus.BAD_REQUEST;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        eventNanos = System.nanoTime(); // an event of its own: see eventNanos
        if (event == RequestHeadDeadline.Expired.INSTANCE) {
            if (state == State.IDLE) {
                metrics.connectionCut("request_head_timeout");
                clientKeepAlive = false;
                startNanos = eventNanos;
                hostMetrics = null;
                accept = null;
                requestId = RequestIds.newId();
                respondLocally(HttpResponseStatus.REQUEST_TIMEOUT, "the request head did not arrive in time");
            }
            return;
        }
        if (event == dev.portcullis.dataplane.server.Draining.NOTICE) {
            clientKeepAlive = false; // the response in flight says Connection: close; later ones too (config.draining())
            return;
        }
        if (event == dev.portcullis.dataplane.server.Draining.CLOSE) {
            if (state == State.IDLE && !http2) {
                state = State.CLOSED;
                ctx.close();
            } else {
                clientKeepAlive = false; // the response in flight says Connection: close
            }
            return;
        }
        if (event instanceof IdleStateEvent && (state == State.IDLE || state == State.DISCARDING)) {
            state = State.CLOSED;
            ctx.close(); // an idle keep-alive connection
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    private void releaseAdmission() {
        if (admission != null) {
            admission.release();
            admission = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseAdmission();
        if (state == State.FORWARDING && upstream != null) {
            Channel abandoned = upstream;
            detachUpstream();
            abandoned.close();
        }
        balancing.finished();
        deadlines.closed(); // its timers' pending checks go with it
        state = State.CLOSED;
        attempts.end();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        attempts.end(); // an upgraded connection's relay took over
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("client connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
