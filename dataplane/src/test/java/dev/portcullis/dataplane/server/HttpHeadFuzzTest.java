package dev.portcullis.dataplane.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.BeforeAll;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request heads from the network, through the plain listener's own pipeline ({@link HttpPipeline}:
 * the StrictHttpServerCodec with the project's limits, expect-continue, flow control, the proxy handler),
 * on an EmbeddedChannel. Whatever the bytes:
 * <ul>
 *   <li>what goes back is well-formed HTTP/1.1 responses, each a status the proxy may answer itself;</li>
 *   <li>every request head (as the same codec reads the same bytes) gets exactly one final response,
 *       in order, up to the first one that closes the connection, and the connection never closes
 *       without one (an exception inside the proxy shows as such a silent close);</li>
 *   <li>a request that is routed to a host (503 from a host without endpoints, 308 to https) has one
 *       Host, and a malformed head is never routed;</li>
 *   <li>no buffer leaks (PARANOID leak detection, checked after the class).</li>
 * </ul>
 * Corpus: {@code src/test/resources/dev/portcullis/dataplane/server/HttpHeadFuzzTestInputs/}, raw bytes
 * as a client sends them.
 */
class HttpHeadFuzzTest {

    private static final Set<Integer> LOCAL_STATUSES = Set.of(308, 400, 404, 413, 414, 417, 431, 503);

    private static FuzzFixture fixture;

    @BeforeAll
    static void configure() {
        fixture = new FuzzFixture();
    }

    @FuzzTest(maxDuration = "30s")
    void plainListener(byte[] input) {
        // The same bytes in one to four pieces (as the input's length picks), to both the pipeline and a
        // reference codec: heads cut anywhere, at a cost per input that keeps the fuzzer fast.
        int piece = Math.max(1, (input.length + 3) / (1 + input.length % 4));
        boolean[] malformedContent = {false};
        List<HttpRequest> heads = referenceHeads(input, piece, malformedContent);

        EmbeddedChannel channel = FuzzFixture.connection(80, fixture.http.handlers("http"));
        ByteBuf written = Unpooled.buffer();
        try {
            for (int offset = 0; offset < input.length && channel.isOpen(); offset += piece) {
                channel.writeInbound(Unpooled.wrappedBuffer(input, offset, Math.min(piece, input.length - offset)));
                channel.runPendingTasks();
                drain(channel, written);
            }
            channel.runPendingTasks();
            drain(channel, written);
            channel.checkException();
            boolean open = channel.isOpen();

            List<HttpResponse> responses = responses(written, heads);
            int closing = -1;
            for (int i = 0; i < responses.size(); i++) {
                HttpResponse response = responses.get(i);
                assertThat(LOCAL_STATUSES).as("status of response %d", i).contains(response.status().code());
                HttpRequest head = heads.get(i);
                int status = response.status().code();
                if (status == 503 || status == 308) {
                    assertThat(head.decoderResult().isSuccess()).as("a malformed head was routed").isTrue();
                    List<String> hosts = head.headers().getAll(HttpHeaderNames.HOST);
                    assertThat(hosts.size()).as("Host fields of a routed %s request: %s", head.protocolVersion(), hosts)
                            .isLessThanOrEqualTo(1);
                    if (head.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
                        assertThat(hosts).as("an HTTP/1.1 request routed without Host").hasSize(1);
                    }
                }
                if (response.headers().contains(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)) {
                    closing = i;
                    break;
                }
            }
            if (closing >= 0) {
                assertThat(responses).as("nothing after the response that closes").hasSize(closing + 1);
                assertThat(open).as("the connection closes after Connection: close").isFalse();
            } else {
                assertThat(responses).as("one response per request head, for heads %s", heads).hasSize(heads.size());
                // A body that stops parsing after its response went out leaves nothing to answer: closing is right.
                assertThat(open || malformedContent[0]).as("closed without a response saying so").isTrue();
            }
            responses.forEach(ReferenceCountUtil::release);
        } finally {
            written.release();
            channel.finishAndReleaseAll();
            heads.forEach(ReferenceCountUtil::release);
        }
    }

    /** The request heads the listener's own codec reads from these bytes. */
    private static List<HttpRequest> referenceHeads(byte[] input, int piece, boolean[] malformedContent) {
        ChannelHandler codec = Arrays.stream(fixture.http.handlers("http"))
                .filter(StrictHttpServerCodec.class::isInstance).findFirst().orElseThrow();
        EmbeddedChannel reference = new EmbeddedChannel(codec);
        List<HttpRequest> heads = new ArrayList<>();
        try {
            for (int offset = 0; offset < input.length; offset += piece) {
                reference.writeInbound(Unpooled.wrappedBuffer(input, offset, Math.min(piece, input.length - offset)));
                Object message;
                while ((message = reference.readInbound()) != null) {
                    if (message instanceof HttpRequest head) {
                        heads.add(head instanceof HttpContent ? withoutContent(head) : head);
                    }
                    if (message instanceof HttpContent content) {
                        malformedContent[0] |= !(message instanceof HttpRequest) && content.decoderResult().isFailure();
                        ReferenceCountUtil.release(message);
                    }
                }
            }
        } finally {
            reference.finishAndReleaseAll();
        }
        return heads;
    }

    private static HttpRequest withoutContent(HttpRequest head) {
        io.netty.handler.codec.http.DefaultHttpRequest copy = new io.netty.handler.codec.http.DefaultHttpRequest(
                head.protocolVersion(), head.method(), head.uri(), head.headers().copy());
        copy.setDecoderResult(head.decoderResult());
        return copy;
    }

    private static void drain(EmbeddedChannel channel, ByteBuf into) {
        Object message;
        while ((message = channel.readOutbound()) != null) {
            if (message instanceof ByteBuf buf) {
                into.writeBytes(buf);
            }
            ReferenceCountUtil.release(message);
        }
        // Nothing reaches the far end of the pipeline while the connection is open: the proxy handler
        // consumes every request part. Once it is closed, FlowControlHandler hands on what it still
        // queued as the pipeline is torn down, and the tail releases it (here: the test).
        if (channel.isOpen()) {
            assertThat((Object) channel.readInbound()).isNull();
        }
        while ((message = channel.readInbound()) != null) {
            ReferenceCountUtil.release(message);
        }
    }

    /** Final responses in order; a HEAD request's response has no body, a 1xx is interim. */
    private static List<HttpResponse> responses(ByteBuf written, List<HttpRequest> heads) {
        ArrayDeque<HttpMethod> methods = new ArrayDeque<>();
        heads.forEach(head -> methods.add(head.method()));
        EmbeddedChannel decoder = new EmbeddedChannel(new HttpResponseDecoder() {
            @Override
            protected boolean isContentAlwaysEmpty(HttpMessage message) {
                int code = ((HttpResponse) message).status().code();
                if (code >= 100 && code < 200) {
                    return super.isContentAlwaysEmpty(message);
                }
                return HttpMethod.HEAD.equals(methods.poll()) || super.isContentAlwaysEmpty(message);
            }
        });
        List<HttpResponse> responses = new ArrayList<>();
        boolean inBody = false;
        try {
            decoder.writeInbound(written.retainedDuplicate());
            Object message;
            while ((message = decoder.readInbound()) != null) {
                if (message instanceof HttpResponse response) {
                    assertThat(response.decoderResult().isSuccess()).as("response %s decodes: %s", response,
                            response.decoderResult()).isTrue();
                    if (response.status().code() >= 200) {
                        responses.add(response);
                    }
                    inBody = true;
                }
                if (message instanceof LastHttpContent) {
                    inBody = false;
                }
                if (message instanceof HttpContent content) {
                    assertThat(content.decoderResult().isSuccess()).isTrue();
                    content.release();
                }
            }
        } finally {
            decoder.finishAndReleaseAll();
        }
        assertThat(inBody).as("the last response is complete").isFalse();
        return responses;
    }
}
