package dev.portcullis.dataplane.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;
import java.util.List;

/**
 * Netty's {@code HttpServerCodec}, with a request decoder that gives a request one meaning
 * (RFC 9112 5.2, RFC 9110 6.5.1), where Netty 4.2's decoder has no option to:
 * <ul>
 *   <li>a field line that starts with SP or HTAB (obs-fold, or whitespace before the first field) fails
 *       the request head (400), where Netty would join it to the previous field with one SP;</li>
 *   <li>the same in a chunked request's trailer section fails the last chunk (400, the endpoint's
 *       connection is cut);</li>
 *   <li>a trailer field that frames, routes, authenticates or modifies the request
 *       ({@link #NOT_TRAILERS}) fails the last chunk, where Netty drops Content-Length,
 *       Transfer-Encoding and Trailer silently and hands on the others.</li>
 * </ul>
 * The decoder knows where field sections are: bytes it consumes from the first field name of a section
 * ({@link Decoder#splitHeaderName}) to the message or last chunk that ends it are field lines, so only
 * those are looked at, once, for a line start of SP or HTAB; bodies are never scanned.
 *
 * <p>Since {@code HttpServerCodec} is final and builds its decoder itself, what it adds to the plain
 * decoder and encoder is repeated here: a response to HEAD has no body, a 2xx to CONNECT no
 * Transfer-Encoding, a request that carried both Transfer-Encoding and Content-Length closes the
 * connection after its response, and at most {@link #MAX_PIPELINE_DEPTH} requests wait for answers.
 */
public final class StrictHttpServerCodec extends CombinedChannelDuplexHandler<HttpRequestDecoder, HttpResponseEncoder> {

    /**
     * Fields a trailer must not carry (RFC 9110 6.5.1): message framing, routing, request modifiers
     * (controls, conditionals, range), authentication, content handling, and what this proxy rewrites
     * in a head (forwarding fields, connection options).
     */
    static final List<AsciiString> NOT_TRAILERS = List.of(
            HttpHeaderNames.CONTENT_LENGTH, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.TRAILER,
            HttpHeaderNames.HOST, HttpHeaderNames.CONNECTION, AsciiString.cached("keep-alive"),
            AsciiString.cached("proxy-connection"), HttpHeaderNames.UPGRADE, HttpHeaderNames.TE,
            HttpHeaderNames.EXPECT, HttpHeaderNames.MAX_FORWARDS, HttpHeaderNames.CACHE_CONTROL,
            HttpHeaderNames.PRAGMA, HttpHeaderNames.RANGE, HttpHeaderNames.IF_MATCH,
            HttpHeaderNames.IF_NONE_MATCH, HttpHeaderNames.IF_MODIFIED_SINCE,
            HttpHeaderNames.IF_UNMODIFIED_SINCE, HttpHeaderNames.IF_RANGE,
            HttpHeaderNames.AUTHORIZATION, HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.COOKIE,
            HttpHeaderNames.CONTENT_ENCODING, HttpHeaderNames.CONTENT_TYPE, HttpHeaderNames.CONTENT_RANGE,
            HttpHeaderNames.CONTENT_LOCATION, AsciiString.cached("forwarded"), AsciiString.cached("x-forwarded-for"),
            AsciiString.cached("x-forwarded-host"), AsciiString.cached("x-forwarded-proto"),
            AsciiString.cached("x-forwarded-port"), AsciiString.cached("x-real-ip"), HttpHeaderNames.VIA);

    /** HttpServerCodec's default: requests decoded and not yet answered, at most. */
    static final int MAX_PIPELINE_DEPTH = 128;

    /** Methods of the requests decoded and not yet answered, oldest first. */
    private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>();
    private boolean closeAfterResponse;

    public StrictHttpServerCodec(int maxInitialLineLength, int maxHeaderSize, int maxChunkSize) {
        this(new HttpDecoderConfig()
                .setMaxInitialLineLength(maxInitialLineLength)
                .setMaxHeaderSize(maxHeaderSize)
                .setMaxChunkSize(maxChunkSize));
    }

    public StrictHttpServerCodec(HttpDecoderConfig config) {
        init(new Decoder(config), new Encoder());
    }

    static boolean notATrailer(AsciiString name) {
        for (AsciiString refused : NOT_TRAILERS) {
            if (refused.contentEqualsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private final class Decoder extends HttpRequestDecoder {
        /** The buffer being decoded, during {@link #decode} only. */
        private ByteBuf input;
        /** A request head was decoded, its last chunk not yet: a field section now is a trailer section. */
        private boolean inBody;
        /** A field section has begun (its first field name was read) and has not ended. */
        private boolean inSection;
        /** Where this call's bytes of the current field section start in {@link #input}, or -1. */
        private int sectionFrom = -1;
        /** A request was refused: nothing more is read on this connection (Netty's BAD_MESSAGE). */
        private boolean refused;

        Decoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            if (refused) {
                buffer.skipBytes(buffer.readableBytes());
                return;
            }
            int outStart = out.size();
            input = buffer;
            // Netty reads field lines whole: a section going on from an earlier call goes on at a line start.
            sectionFrom = inSection ? buffer.readerIndex() : -1;
            boolean trailers = inBody;
            try {
                super.decode(ctx, buffer, out);
            } finally {
                input = null;
            }
            boolean folded = sectionFrom >= 0 && lineStartsWithWhitespace(buffer, sectionFrom, buffer.readerIndex());
            if (folded && !failedIn(out, outStart)) {
                refuse(out, outStart, trailers
                        ? "obs-fold in a trailer section" : "obs-fold or whitespace before a field in a request head");
            }
            for (int i = outStart; i < out.size(); i++) {
                Object message = out.get(i);
                if (message instanceof HttpRequest request) {
                    inSection = false;
                    inBody = true;
                    if (methods.size() >= MAX_PIPELINE_DEPTH) { // as HttpServerCodec: unanswered requests are bounded
                        while (out.size() > i) {
                            ReferenceCountUtil.release(out.remove(out.size() - 1));
                        }
                        refused = true;
                        closeAfterResponse = true;
                        throw new IllegalStateException("maxPipelineDepth exceeded: " + MAX_PIPELINE_DEPTH);
                    }
                    methods.add(request.method());
                }
                if (message instanceof LastHttpContent) {
                    inSection = false;
                    inBody = false;
                }
                if (message instanceof DecoderResultProvider failed && failed.decoderResult().isFailure()) {
                    inSection = false;
                    refused = true;
                }
            }
        }

        @Override
        protected AsciiString splitHeaderName(byte[] line, int start, int length) {
            if (line[start] == ' ' || line[start] == '\t') {
                throw new IllegalArgumentException("whitespace at the start of a field line");
            }
            AsciiString name = super.splitHeaderName(line, start, length);
            if (inBody && notATrailer(name)) {
                throw new IllegalArgumentException("a field not allowed in a trailer section: " + name);
            }
            if (!inSection && input != null) {
                inSection = true;
                // Netty has consumed this line: the section's next line starts here.
                sectionFrom = input.readerIndex();
            }
            return name;
        }

        /** After a 417 to {@code Expect}, the decoder starts again at a request head (its body is not sent). */
        @Override
        public void reset() {
            super.reset();
            inBody = false;
            inSection = false;
        }

        @Override
        protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
            super.handleTransferEncodingChunkedWithContentLength(message);
            closeAfterResponse = true; // as HttpServerCodec: the client's idea of framing is suspect
        }

        /**
         * What this call decoded of the refused section becomes one failure: the request head
         * (answered 400), or the last chunk (400, and the endpoint's connection cut); the rest of
         * the connection's bytes are skipped.
         */
        private void refuse(List<Object> out, int outStart, String why) {
            IllegalArgumentException cause = new IllegalArgumentException(why);
            for (int i = outStart; i < out.size(); i++) {
                if (out.get(i) instanceof HttpRequest request) {
                    while (out.size() > i + 1) {
                        ReferenceCountUtil.release(out.remove(out.size() - 1));
                    }
                    request.setDecoderResult(DecoderResult.failure(cause));
                    return;
                }
            }
            while (out.size() > outStart) {
                ReferenceCountUtil.release(out.remove(out.size() - 1));
            }
            if (inBody) {
                LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
                last.setDecoderResult(DecoderResult.failure(cause));
                out.add(last);
            } else {
                HttpMessage invalid = createInvalidMessage();
                invalid.setDecoderResult(DecoderResult.failure(cause));
                out.add(invalid);
            }
        }
    }

    private static boolean failedIn(List<Object> out, int outStart) {
        for (int i = outStart; i < out.size(); i++) {
            if (out.get(i) instanceof DecoderResultProvider decoded && decoded.decoderResult().isFailure()) {
                return true;
            }
        }
        return false;
    }

    /** Whether a line in {@code [from, to)} of field lines ({@code from} is a line start) starts with SP or HTAB. */
    static boolean lineStartsWithWhitespace(ByteBuf buffer, int from, int to) {
        int lineStart = from;
        while (lineStart < to) {
            byte first = buffer.getByte(lineStart);
            if (first == ' ' || first == '\t') {
                return true;
            }
            int lf = buffer.indexOf(lineStart, to, (byte) '\n');
            if (lf < 0) {
                return false;
            }
            lineStart = lf + 1;
        }
        return false;
    }

    private final class Encoder extends HttpResponseEncoder {
        private HttpMethod method;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (closeAfterResponse && msg instanceof LastHttpContent) {
                closeAfterResponse = false;
                promise = promise.unvoid();
                promise.addListener(ChannelFutureListener.CLOSE);
            }
            super.write(ctx, msg, promise);
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse response) {
            if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                return super.isContentAlwaysEmpty(response); // an interim response answers no request
            }
            method = methods.poll();
            return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(response);
        }

        @Override
        protected void sanitizeHeadersBeforeEncode(HttpResponse response, boolean isAlwaysEmpty) {
            if (!isAlwaysEmpty && HttpMethod.CONNECT.equals(method)
                    && response.status().codeClass() == HttpStatusClass.SUCCESS) {
                response.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
                return;
            }
            super.sanitizeHeadersBeforeEncode(response, isAlwaysEmpty);
        }
    }
}
