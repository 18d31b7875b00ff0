package dev.portcullis.dataplane.server;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.portcullis.dataplane.passthrough.PassthroughHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.BeforeAll;

import javax.net.ssl.SSLException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TLS listener's ClientHello peek ({@link TlsRouterHandler}, as {@link ProxyChannelInitializer}
 * sets it up) on an EmbeddedChannel. Whatever the bytes, the connection is either passed through,
 * given to TLS termination, or closed, and only decoder and TLS errors come out of it. Passthrough
 * happens only when the ClientHello names the passthrough host; for a well-formed ClientHello cut
 * into records anywhere, it happens exactly when its SNI is that host (in any case).
 * Corpus: {@code src/test/resources/dev/portcullis/dataplane/server/ClientHelloFuzzTestInputs/}.
 */
class ClientHelloFuzzTest {

    private static FuzzFixture fixture;

    @BeforeAll
    static void configure() {
        fixture = new FuzzFixture();
    }

    /** Raw bytes as the first thing a client sends on :443. */
    @FuzzTest(maxDuration = "30s")
    void anyFirstBytes(byte[] input) {
        Decision decision = route(List.of(input));
        if (decision.passthrough) {
            assertThat(handshakePayload(input).toLowerCase(Locale.ROOT))
                    .as("passed through without naming the passthrough host").contains(FuzzFixture.PASSTHROUGH_HOST);
        }
    }

    /** A well-formed ClientHello with a name and extensions the fuzzer picks, in records it cuts. */
    @FuzzTest(maxDuration = "30s")
    void clientHelloWithSni(FuzzedDataProvider data) {
        String name = switch (data.consumeInt(0, 4)) {
            case 0 -> FuzzFixture.PASSTHROUGH_HOST;
            case 1 -> "PaSS.Example";
            case 2 -> "open.example";
            case 3 -> "x.wild.example";
            default -> data.consumeString(80);
        };
        byte[] nameBytes = name.getBytes(StandardCharsets.ISO_8859_1);
        boolean withSni = data.consumeBoolean();
        ByteArrayOutputStream extensions = new ByteArrayOutputStream();
        int before = data.consumeInt(0, 3);
        for (int i = 0; i < before; i++) {
            extension(extensions, data.consumeInt(1, 0xfffe), data.consumeBytes(40));
        }
        if (withSni) {
            ByteArrayOutputStream list = new ByteArrayOutputStream();
            list.write(0); // host_name
            u16(list, nameBytes.length);
            list.writeBytes(nameBytes);
            ByteArrayOutputStream sni = new ByteArrayOutputStream();
            u16(sni, list.size());
            sni.writeBytes(list.toByteArray());
            extension(extensions, 0, sni.toByteArray());
        }
        for (int i = data.consumeInt(0, 2); i > 0; i--) {
            extension(extensions, data.consumeInt(1, 0xfffe), data.consumeBytes(40));
        }

        ByteArrayOutputStream hello = new ByteArrayOutputStream();
        hello.write(3);
        hello.write(3); // legacy_version TLS 1.2
        hello.writeBytes(padded(data.consumeBytes(32), 32)); // random
        byte[] session = data.consumeBytes(32);
        hello.write(session.length);
        hello.writeBytes(session);
        int suites = data.consumeInt(1, 20);
        u16(hello, suites * 2);
        for (int i = 0; i < suites; i++) {
            u16(hello, data.consumeInt(0, 0xffff));
        }
        hello.write(1);
        hello.write(0); // null compression
        u16(hello, extensions.size());
        hello.writeBytes(extensions.toByteArray());

        ByteArrayOutputStream handshake = new ByteArrayOutputStream();
        handshake.write(1); // client_hello
        handshake.write(0);
        u16(handshake, hello.size());
        handshake.writeBytes(hello.toByteArray());
        byte[] message = handshake.toByteArray();

        // Records of sizes the fuzzer picks, and TCP segments of sizes it picks.
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int offset = 0; offset < message.length; ) {
            int length = Math.min(message.length - offset, data.consumeInt(1, 600));
            wire.write(22);
            wire.write(3);
            wire.write(1);
            u16(wire, length);
            wire.write(message, offset, length);
            offset += length;
        }
        byte[] bytes = wire.toByteArray();
        List<byte[]> segments = new ArrayList<>();
        for (int offset = 0; offset < bytes.length; ) {
            int length = Math.min(bytes.length - offset, data.consumeInt(1, 2000));
            segments.add(java.util.Arrays.copyOfRange(bytes, offset, offset + length));
            offset += length;
        }

        Decision decision = route(segments);
        boolean namesPassthrough = withSni
                && new String(nameBytes, StandardCharsets.US_ASCII).toLowerCase(Locale.US).equals(FuzzFixture.PASSTHROUGH_HOST);
        if (bytes.length <= ProxyChannelInitializer.MAX_CLIENT_HELLO_BYTES) {
            assertThat(decision.passthrough).as("passthrough for SNI %s (sni extension: %s), %d records", name, withSni,
                    bytes.length).isEqualTo(namesPassthrough);
        } else {
            assertThat(decision.passthrough && !namesPassthrough).isFalse();
        }
    }

    private record Decision(boolean passthrough, boolean tls, List<Throwable> errors) {
    }

    private static Decision route(List<byte[]> segments) {
        Observer observer = new Observer();
        Errors errors = new Errors();
        EmbeddedChannel channel = FuzzFixture.connection(443, observer,
                new TlsRouterHandler(fixture.config.current(), fixture.http, fixture.passthrough,
                        ProxyChannelInitializer.MAX_CLIENT_HELLO_BYTES, dev.portcullis.dataplane.config.Limits.DEFAULT_TLS_HANDSHAKE_TIMEOUT_MILLIS),
                errors, new HandshakeCompletionHandler(fixture.metrics));
        try {
            for (byte[] segment : segments) {
                if (!channel.isOpen()) {
                    break;
                }
                channel.writeInbound(Unpooled.wrappedBuffer(segment));
                channel.runPendingTasks();
                Object out;
                while ((out = channel.readOutbound()) != null) {
                    ReferenceCountUtil.release(out);
                }
            }
            channel.checkException();
            boolean tls = channel.pipeline().get(SslHandler.class) != null || observer.sslAtClose;
            for (Throwable error : errors.seen) {
                Throwable root = error instanceof DecoderException && error.getCause() != null ? error.getCause() : error;
                assertThat(root).as("only TLS and decoder errors come out of the peek")
                        .isInstanceOfAny(SSLException.class, NotSslRecordException.class, TooLongFrameException.class,
                                DecoderException.class);
                if (root instanceof DecoderException && !(root instanceof TooLongFrameException)) {
                    assertThat(root.getCause()).as("a decoder failure with an unexpected cause: %s", root).isNull();
                }
            }
            assertThat(observer.passthroughAtClose && tls).as("both passed through and terminated").isFalse();
            return new Decision(observer.passthroughAtClose, tls, errors.seen);
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** First in the pipeline: sees the close and what was in the pipeline then. */
    private static final class Observer extends ChannelDuplexHandler {
        boolean passthroughAtClose;
        boolean sslAtClose;

        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
            passthroughAtClose |= ctx.pipeline().get(PassthroughHandler.class) != null;
            sslAtClose |= ctx.pipeline().get(SslHandler.class) != null;
            super.close(ctx, promise);
        }
    }

    /** Right after the peek (and the SslHandler that takes its place): the errors they raise. */
    private static final class Errors extends ChannelInboundHandlerAdapter {
        final List<Throwable> seen = new ArrayList<>();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            seen.add(cause);
            ctx.fireExceptionCaught(cause);
        }
    }

    /** The payload of the handshake records at the start of the input, joined (a ClientHello may span records). */
    private static String handshakePayload(byte[] input) {
        ByteBuf in = Unpooled.wrappedBuffer(input);
        StringBuilder payload = new StringBuilder();
        while (in.readableBytes() >= 5 && in.getUnsignedByte(in.readerIndex()) == 22) {
            int length = in.getUnsignedShort(in.readerIndex() + 3);
            in.skipBytes(5);
            int available = Math.min(length, in.readableBytes());
            payload.append(in.readCharSequence(available, StandardCharsets.ISO_8859_1));
        }
        return payload.toString();
    }

    private static void extension(ByteArrayOutputStream out, int type, byte[] body) {
        u16(out, type);
        u16(out, body.length);
        out.writeBytes(body);
    }

    private static void u16(ByteArrayOutputStream out, int value) {
        out.write((value >> 8) & 0xff);
        out.write(value & 0xff);
    }

    private static byte[] padded(byte[] bytes, int length) {
        return java.util.Arrays.copyOf(bytes, length);
    }
}
