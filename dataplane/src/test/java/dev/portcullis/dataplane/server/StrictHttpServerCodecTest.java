package dev.portcullis.dataplane.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The codec on its own, fed in pieces of every size from one byte: a refusal does not depend on where
 * reads split a field section, a body is never taken for field lines, and the encoder side does
 * what HttpServerCodec's does.
 */
class StrictHttpServerCodecTest {

    private static final String FOLDED_HEAD =
            "GET / HTTP/1.1\r\nHost: a.test\r\nX-A: 1\r\n 2\r\n\r\n";
    private static final String FOLDED_TRAILER =
            "POST / HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-B: 1\r\n\t2\r\n\r\n";
    /** Bodies may hold CRLF SP: they are not field lines. */
    private static final String BODIES_THAT_LOOK_FOLDED =
            "POST / HTTP/1.1\r\nHost: a.test\r\nContent-Length: 5\r\n\r\nx\r\n y"
                    + "POST / HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n\r\n \r\n \r\n0\r\nX-Checksum: 1\r\n\r\n";

    @ParameterizedTest(name = "pieces of {0}")
    @ValueSource(ints = {1, 2, 3, 5, 7, 16, 1000})
    void aFoldedHeadFailsTheHead(int piece) {
        List<Object> decoded = decode(FOLDED_HEAD, piece);
        assertThat(decoded).hasSize(1);
        assertThat(decoded.get(0)).isInstanceOf(HttpRequest.class);
        assertThat(((HttpRequest) decoded.get(0)).decoderResult().isFailure()).isTrue();
        decoded.forEach(ReferenceCountUtil::release);
    }

    @ParameterizedTest(name = "pieces of {0}")
    @ValueSource(ints = {1, 2, 3, 5, 7, 16, 1000})
    void aFoldedTrailerFailsTheLastChunk(int piece) {
        List<Object> decoded = decode(FOLDED_TRAILER, piece);
        Object last = decoded.get(decoded.size() - 1);
        assertThat(last).isInstanceOf(LastHttpContent.class);
        assertThat(((LastHttpContent) last).decoderResult().isFailure()).isTrue();
        assertThat(decoded.subList(0, decoded.size() - 1))
                .allMatch(m -> !((DecoderResultProvider) m).decoderResult().isFailure());
        decoded.forEach(ReferenceCountUtil::release);
    }

    @ParameterizedTest(name = "pieces of {0}")
    @ValueSource(ints = {1, 2, 3, 5, 7, 16, 1000})
    void bodiesThatLookFoldedPass(int piece) {
        List<Object> decoded = decode(BODIES_THAT_LOOK_FOLDED, piece);
        assertThat(decoded).allMatch(m -> ((DecoderResultProvider) m).decoderResult().isSuccess());
        assertThat(decoded).filteredOn(HttpRequest.class::isInstance).hasSize(2);
        List<LastHttpContent> lasts = decoded.stream().filter(LastHttpContent.class::isInstance)
                .map(LastHttpContent.class::cast).toList();
        assertThat(lasts).hasSize(2);
        assertThat(lasts.get(1).trailingHeaders().get("x-checksum")).isEqualTo("1");
        decoded.forEach(ReferenceCountUtil::release);
    }

    @org.junit.jupiter.api.Test
    void aResponseToHeadHasNoBodyEvenChunked() {
        EmbeddedChannel channel = new EmbeddedChannel(new StrictHttpServerCodec(8192, 32 * 1024, 64 * 1024));
        channel.writeInbound(Unpooled.copiedBuffer("HEAD / HTTP/1.1\r\nHost: a.test\r\n\r\n", StandardCharsets.ISO_8859_1));
        Object message;
        while ((message = channel.readInbound()) != null) {
            ReferenceCountUtil.release(message);
        }
        DefaultHttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        channel.writeOutbound(response, LastHttpContent.EMPTY_LAST_CONTENT);
        StringBuilder written = new StringBuilder();
        ByteBuf out;
        while ((out = channel.readOutbound()) != null) {
            written.append(out.toString(StandardCharsets.ISO_8859_1));
            out.release();
        }
        assertThat(written.toString()).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\n").doesNotContain("0\r\n\r\n");
        channel.finishAndReleaseAll();
    }

    @org.junit.jupiter.api.Test
    void atMost128RequestsWaitForAnswers() {
        EmbeddedChannel channel = new EmbeddedChannel(new StrictHttpServerCodec(8192, 32 * 1024, 64 * 1024));
        String many = "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n".repeat(StrictHttpServerCodec.MAX_PIPELINE_DEPTH + 1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                channel.writeInbound(Unpooled.copiedBuffer(many, StandardCharsets.ISO_8859_1)))
                .hasMessageContaining("maxPipelineDepth");
        int heads = 0;
        Object message;
        while ((message = channel.readInbound()) != null) {
            heads += message instanceof HttpRequest ? 1 : 0;
            ReferenceCountUtil.release(message);
        }
        assertThat(heads).isEqualTo(StrictHttpServerCodec.MAX_PIPELINE_DEPTH);
        channel.finishAndReleaseAll();
    }

    private static List<Object> decode(String input, int piece) {
        EmbeddedChannel channel = new EmbeddedChannel(new StrictHttpServerCodec(8192, 32 * 1024, 64 * 1024));
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        List<Object> decoded = new ArrayList<>();
        for (int offset = 0; offset < bytes.length; offset += piece) {
            channel.writeInbound(Unpooled.copiedBuffer(bytes, offset, Math.min(piece, bytes.length - offset)));
            Object message;
            while ((message = channel.readInbound()) != null) {
                decoded.add(message);
            }
        }
        channel.finishAndReleaseAll();
        return decoded;
    }
}
