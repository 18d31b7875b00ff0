package dev.portcullis.dataplane.upstream;

import dev.portcullis.dataplane.config.BalancePolicy;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.ProxyProtocol;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.UpstreamProtocol;
import dev.portcullis.dataplane.config.UpstreamTls;
import dev.portcullis.dataplane.testsupport.FreePorts;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import io.grpc.ChannelCredentials;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * gRPC through the data plane: a real grpc-java client speaking h2 (ALPN) to the TLS listener,
 * real grpc-java servers behind it, in plain text (backend-protocol GRPC: h2c with prior knowledge)
 * and over TLS verified against the pods' CA (GRPCS).
 */
class GrpcUpstreamTest {

    private static final CertificateAuthority EDGE_CA = CertificateAuthority.create("grpc edge CA", KeyType.EC_P256);
    private static final CertificateAuthority POD_CA = CertificateAuthority.create("grpc pod CA", KeyType.EC_P256);
    private static final CertificateAuthority STRANGER_CA = CertificateAuthority.create("grpc stranger CA", KeyType.EC_P256);
    private static final Metadata.Key<String> FORWARDED_FOR = Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> SERVED_BY = Metadata.Key.of("x-served-by", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> CLIENT_TAG = Metadata.Key.of("x-client-tag", Metadata.ASCII_STRING_MARSHALLER);

    private static Server plainPod;
    private static Server tlsPod;
    private static Server strangerPod;
    private static TestDataPlane dataPlane;
    private static ManagedChannel channel;
    /** Request heads the pods saw, as "pod: x-forwarded-for=..., x-client-tag=...". */
    private static final Queue<String> seenHeads = new ConcurrentLinkedQueue<>();
    /** Calls a pod saw cancelled (the client gave up and the proxy passed the reset on). */
    private static final Queue<String> cancelled = new ConcurrentLinkedQueue<>();
    /** Calls that reached a pod's "hang" method. */
    private static final Queue<String> started = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() throws Exception {
        plainPod = pod("h2c-pod", null);
        IssuedCertificate podCertificate = POD_CA.issueServer(List.of("grpc.internal"), KeyType.EC_P256);
        tlsPod = pod("tls-pod", podCertificate);
        strangerPod = pod("stranger-pod", STRANGER_CA.issueServer(List.of("grpc.internal"), KeyType.EC_P256));
        UpstreamTls verified = new UpstreamTls("grpc.internal", POD_CA.certificatePem(), true, null);
        int closedPort = FreePorts.next();
        dataPlane = TestDataPlane.serving(new Snapshot(1,
                List.of(host("grpc.example.test", "edge", prefix("/", "grpc")),
                        host("grpcs.example.test", "edge", prefix("/", "grpcs")),
                        host("stranger.example.test", "edge", prefix("/", "stranger")),
                        host("down.example.test", "edge", prefix("/", "down")),
                        host("empty.example.test", "edge", prefix("/", "empty")),
                        host("slow.example.test", "edge", prefix("/", "slow"))),
                List.of(h2Cluster("grpc", plainPod, null, 0),
                        h2Cluster("grpcs", tlsPod, verified, 0),
                        h2Cluster("stranger", strangerPod, verified, 0),
                        new Cluster("down", BalancePolicy.ROUND_ROBIN, List.of(Endpoint.ready("127.0.0.1", closedPort)), 0, 0,
                                null, ProxyProtocol.OFF, UpstreamProtocol.HTTP_2),
                        new Cluster("empty", BalancePolicy.ROUND_ROBIN, List.of(), 0, 0, null, ProxyProtocol.OFF,
                                UpstreamProtocol.HTTP_2),
                        h2Cluster("slow", plainPod, null, 300)),
                List.of(certificate("edge", EDGE_CA.issueServer(List.of("*.example.test"), KeyType.EC_P256))),
                null));
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", dataPlane.httpsPort(), trustEdge())
                .overrideAuthority("grpc.example.test")
                .build();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        for (ManagedChannel other : CHANNELS.values()) {
            other.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        if (dataPlane != null) {
            dataPlane.close();
        }
        for (Server server : new Server[]{plainPod, tlsPod, strangerPod}) {
            if (server != null) {
                server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }

    private static Cluster h2Cluster(String name, Server pod, UpstreamTls tls, long responseTimeoutMillis) {
        InetSocketAddress address = (InetSocketAddress) pod.getListenSockets().getFirst();
        return new Cluster(name, BalancePolicy.ROUND_ROBIN, List.of(Endpoint.ready("127.0.0.1", address.getPort())), 0,
                responseTimeoutMillis, tls, ProxyProtocol.OFF, UpstreamProtocol.HTTP_2);
    }

    /** The client trusts only the edge CA: the data plane's certificate is verified as grpc-java does. */
    private static ChannelCredentials trustEdge() {
        try {
            return TlsChannelCredentials.newBuilder().trustManager(pem(EDGE_CA.certificatePem())).build();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static InputStream pem(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static Server pod(String name, IssuedCertificate certificate) throws Exception {
        NettyServerBuilder builder = certificate == null
                ? NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                : NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0),
                TlsServerCredentials.create(pem(certificate.chainPem()), pem(certificate.privateKeyPem())));
        ServerInterceptor recordHeads = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                seenHeads.add(name + ": x-forwarded-for=" + headers.get(FORWARDED_FOR)
                        + ", x-client-tag=" + headers.get(CLIENT_TAG));
                return next.startCall(call, headers);
            }
        };
        return builder.addService(ServerInterceptors.intercept(new Service(name), recordHeads)).build().start();
    }

    /** Echoes, streams and counts; "hang" answers nothing until the call is cancelled. */
    private static final class Service extends SimpleServiceGrpc.SimpleServiceImplBase {
        private final String name;

        Service(String name) {
            this.name = name;
        }

        @Override
        public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
            if (request.getRequestMessage().startsWith("hang")) {
                String tag = request.getRequestMessage();
                started.add(name + ": " + tag);
                Context.current().addListener(context -> cancelled.add(name + ": " + tag), Runnable::run);
                return;
            }
            if (request.getRequestMessage().equals("fail")) {
                Metadata trailers = new Metadata();
                trailers.put(SERVED_BY, name);
                responses.onError(Status.FAILED_PRECONDITION.withDescription("failed as asked by " + name)
                        .asRuntimeException(trailers));
                return;
            }
            responses.onNext(SimpleResponse.newBuilder().setResponseMessage(name + " says hello " + request.getRequestMessage()).build());
            responses.onCompleted();
        }

        @Override
        public void serverStreamingRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
            if (request.getRequestMessage().startsWith("big ")) {
                // Large messages, many stream windows' worth: flow control must keep the stream moving.
                int count = Integer.parseInt(request.getRequestMessage().substring(4));
                String payload = "x".repeat(100_000);
                for (int i = 0; i < count; i++) {
                    responses.onNext(SimpleResponse.newBuilder().setResponseMessage(i + ":" + payload).build());
                }
                responses.onCompleted();
                return;
            }
            int count = Integer.parseInt(request.getRequestMessage());
            for (int i = 0; i < count; i++) {
                responses.onNext(SimpleResponse.newBuilder().setResponseMessage("item " + i).build());
            }
            responses.onCompleted();
        }

        @Override
        public StreamObserver<SimpleRequest> clientStreamingRpc(StreamObserver<SimpleResponse> responses) {
            List<String> received = new ArrayList<>();
            return new StreamObserver<>() {
                @Override
                public void onNext(SimpleRequest request) {
                    received.add(request.getRequestMessage());
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    responses.onNext(SimpleResponse.newBuilder()
                            .setResponseMessage(received.size() + " messages: " + String.join(",", received)).build());
                    responses.onCompleted();
                }
            };
        }

        @Override
        public StreamObserver<SimpleRequest> bidiStreamingRpc(StreamObserver<SimpleResponse> responses) {
            return new StreamObserver<>() {
                @Override
                public void onNext(SimpleRequest request) {
                    responses.onNext(SimpleResponse.newBuilder().setResponseMessage("echo " + request.getRequestMessage()).build());
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    responses.onCompleted();
                }
            };
        }
    }

    private static SimpleServiceGrpc.SimpleServiceBlockingStub blocking(String host) {
        return SimpleServiceGrpc.newBlockingStub(channelFor(host)).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static final java.util.Map<String, ManagedChannel> CHANNELS = new java.util.concurrent.ConcurrentHashMap<>();

    private static io.grpc.Channel channelFor(String host) {
        if (host.equals("grpc.example.test")) {
            return channel;
        }
        return CHANNELS.computeIfAbsent(host, h -> Grpc.newChannelBuilderForAddress("127.0.0.1", dataPlane.httpsPort(),
                trustEdge()).overrideAuthority(h).build());
    }

    private static SimpleRequest request(String message) {
        return SimpleRequest.newBuilder().setRequestMessage(message).build();
    }

    @ParameterizedTest(name = "unary call to the {0} pod")
    @ValueSource(strings = {"grpc", "grpcs"})
    void unaryCallReachesThePodWithForwardedHeaders(String protocol) {
        String tag = "unary-" + protocol;
        SimpleResponse response = blocking(protocol + ".example.test")
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata(CLIENT_TAG, tag)))
                .unaryRpc(request("world"));
        String pod = protocol.equals("grpc") ? "h2c-pod" : "tls-pod";
        assertThat(response.getResponseMessage()).isEqualTo(pod + " says hello world");
        // (grpc-java keeps te out of Metadata; H2UpstreamTest sees te: trailers reach an h2 pod.)
        assertThat(seenHeads).contains(pod + ": x-forwarded-for=127.0.0.1, x-client-tag=" + tag);
    }

    @ParameterizedTest(name = "a plain-text client (h2c prior knowledge on the plain listener) to the {0} pod")
    @ValueSource(strings = {"grpc", "grpcs"})
    void aPlainTextClientOnThePlainListener(String protocol) throws InterruptedException {
        ManagedChannel plain = Grpc.newChannelBuilderForAddress("127.0.0.1", dataPlane.httpPort(),
                io.grpc.InsecureChannelCredentials.create()).overrideAuthority(protocol + ".example.test").build();
        try {
            SimpleResponse response = SimpleServiceGrpc.newBlockingStub(plain).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .unaryRpc(request("in plain text"));
            assertThat(response.getResponseMessage()).endsWith(" says hello in plain text");
            Iterator<SimpleResponse> items = SimpleServiceGrpc.newBlockingStub(plain).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .serverStreamingRpc(request("3"));
            List<String> received = new ArrayList<>();
            items.forEachRemaining(item -> received.add(item.getResponseMessage()));
            assertThat(received).containsExactly("item 0", "item 1", "item 2");
        } finally {
            plain.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest(name = "a status and trailers from the {0} pod reach the client")
    @ValueSource(strings = {"grpc", "grpcs"})
    void statusAndTrailersOfThePodReachTheClient(String protocol) {
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        assertThatThrownBy(() -> blocking(protocol + ".example.test")
                .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(new AtomicReference<>(), trailers))
                .unaryRpc(request("fail")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.getStatus().getDescription()).startsWith("failed as asked by ");
                    assertThat(e.getTrailers().get(SERVED_BY)).isIn("h2c-pod", "tls-pod");
                });
    }

    @ParameterizedTest(name = "server streaming from the {0} pod")
    @ValueSource(strings = {"grpc", "grpcs"})
    void serverStreaming(String protocol) {
        Iterator<SimpleResponse> items = blocking(protocol + ".example.test").serverStreamingRpc(request("500"));
        List<String> received = new ArrayList<>();
        items.forEachRemaining(item -> received.add(item.getResponseMessage()));
        assertThat(received).hasSize(500).startsWith("item 0", "item 1").endsWith("item 499");
    }

    @ParameterizedTest(name = "large messages streamed from the {0} pod")
    @ValueSource(strings = {"grpc", "grpcs"})
    void largeServerStreamingMessagesFlowThroughTheWindows(String protocol) {
        Iterator<SimpleResponse> items = blocking(protocol + ".example.test").serverStreamingRpc(request("big 50"));
        int count = 0;
        while (items.hasNext()) {
            SimpleResponse item = items.next();
            assertThat(item.getResponseMessage()).startsWith(count + ":").hasSize(100_000 + String.valueOf(count).length() + 1);
            count++;
        }
        assertThat(count).isEqualTo(50);
    }

    @ParameterizedTest(name = "client streaming to the {0} pod")
    @ValueSource(strings = {"grpc", "grpcs"})
    void clientStreaming(String protocol) throws Exception {
        CompletableFuture<String> result = new CompletableFuture<>();
        StreamObserver<SimpleRequest> requests = SimpleServiceGrpc.newStub(channelFor(protocol + ".example.test"))
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .clientStreamingRpc(observer(result));
        for (int i = 0; i < 200; i++) {
            requests.onNext(request("m" + i));
        }
        requests.onCompleted();
        assertThat(result.get(30, TimeUnit.SECONDS)).startsWith("200 messages: m0,m1,m2").endsWith(",m199");
    }

    @Test
    void bidirectionalStreamingInterleaves() throws Exception {
        CompletableFuture<String> done = new CompletableFuture<>();
        List<String> echoes = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.BlockingQueue<String> arrivals = new java.util.concurrent.LinkedBlockingQueue<>();
        StreamObserver<SimpleRequest> requests = SimpleServiceGrpc.newStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .bidiStreamingRpc(new StreamObserver<>() {
                    @Override
                    public void onNext(SimpleResponse value) {
                        echoes.add(value.getResponseMessage());
                        arrivals.add(value.getResponseMessage());
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete("done");
                    }
                });
        for (int i = 0; i < 5; i++) {
            requests.onNext(request("ping " + i));
            // Each echo comes back before the next message is sent: nothing waits for the end of the stream.
            assertThat(arrivals.poll(30, TimeUnit.SECONDS)).isEqualTo("echo ping " + i);
        }
        requests.onCompleted();
        assertThat(done.get(30, TimeUnit.SECONDS)).isEqualTo("done");
        assertThat(echoes).hasSize(5);
    }

    @ParameterizedTest(name = "the client's deadline on the {0} pod")
    @ValueSource(strings = {"grpc", "grpcs"})
    void aDeadlineThatExpiresCancelsTheCallAtThePod(String protocol) throws Exception {
        String tag = "hang-" + protocol;
        // Connections warm first, and the deadline is generous, so that the call reaches the pod well within it.
        blocking(protocol + ".example.test").unaryRpc(request("warm"));
        assertThatThrownBy(() -> SimpleServiceGrpc.newBlockingStub(channelFor(protocol + ".example.test"))
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .unaryRpc(request(tag)))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        String pod = protocol.equals("grpc") ? "h2c-pod" : "tls-pod";
        org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(started).as("the call reached the pod").contains(pod + ": " + tag));
        org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(cancelled).as("the reset reached the pod").contains(pod + ": " + tag));
    }

    @Test
    void aPodThatDoesNotAnswerInTheClustersResponseTimeIsDeadlineExceeded() {
        assertThatThrownBy(() -> blocking("slow.example.test").unaryRpc(request("hang-slow")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
                    assertThat(e.getStatus().getDescription()).contains("504").contains("did not respond in time");
                });
    }

    @ParameterizedTest(name = "{0} is UNAVAILABLE, as a gRPC status")
    @ValueSource(strings = {"down.example.test", "empty.example.test", "stranger.example.test"})
    void noReachableEndpointIsUnavailable(String host) {
        assertThatThrownBy(() -> blocking(host).unaryRpc(request("anyone?")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                    assertThat(e.getStatus().getDescription()).matches("50[23] .*");
                });
    }

    @Test
    void manyConcurrentCallsShareMultiplexedConnections() throws Exception {
        SimpleServiceGrpc.SimpleServiceFutureStub stub = SimpleServiceGrpc.newFutureStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        List<com.google.common.util.concurrent.ListenableFuture<SimpleResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            calls.add(stub.unaryRpc(request("n" + i)));
        }
        for (int i = 0; i < calls.size(); i++) {
            assertThat(calls.get(i).get(30, TimeUnit.SECONDS).getResponseMessage()).isEqualTo("h2c-pod says hello n" + i);
        }
    }

    private static Metadata metadata(Metadata.Key<String> key, String value) {
        Metadata metadata = new Metadata();
        metadata.put(key, value);
        return metadata;
    }

    private static StreamObserver<SimpleResponse> observer(CompletableFuture<String> result) {
        return new StreamObserver<>() {
            @Override
            public void onNext(SimpleResponse value) {
                result.complete(value.getResponseMessage());
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                result.complete(null);
            }
        };
    }

}
