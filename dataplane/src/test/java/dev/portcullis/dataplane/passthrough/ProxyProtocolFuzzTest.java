package dev.portcullis.dataplane.passthrough;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.portcullis.dataplane.config.ProxyProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PROXY protocol header a passthrough endpoint gets: for any client and listener address the header
 * {@link ProxyProtocolHeaders#of} builds encodes, and the decoder the endpoints' side uses
 * (EchoBackend's) reads back the same addresses and ports. Arbitrary bytes to that decoder give a
 * header or a decoder error, and a header read from them encodes and reads back the same.
 * Corpus: {@code src/test/resources/dev/portcullis/dataplane/passthrough/ProxyProtocolFuzzTestInputs/}.
 */
class ProxyProtocolFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void headerRoundTrips(FuzzedDataProvider data) throws UnknownHostException {
        ProxyProtocol protocol = data.consumeBoolean() ? ProxyProtocol.V1 : ProxyProtocol.V2;
        InetSocketAddress source = new InetSocketAddress(address(data), data.consumeInt(1, 65535));
        InetSocketAddress destination = new InetSocketAddress(address(data), data.consumeInt(1, 65535));

        HAProxyMessage header = ProxyProtocolHeaders.of(protocol, source, destination);
        HAProxyMessage decoded = decodeOne(encode(header));
        try {
            assertThat(decoded.protocolVersion())
                    .isEqualTo(protocol == ProxyProtocol.V1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2);
            assertThat(decoded.command()).isEqualTo(HAProxyCommand.PROXY);
            assertThat(sameAddress(decoded.sourceAddress(), source.getAddress())).as("source %s vs %s",
                    decoded.sourceAddress(), source).isTrue();
            assertThat(sameAddress(decoded.destinationAddress(), destination.getAddress())).as("destination %s vs %s",
                    decoded.destinationAddress(), destination).isTrue();
            assertThat(decoded.sourceAddress() + " " + decoded.destinationAddress())
                    .as("no zone index (the proxy's own interface) goes to an endpoint").doesNotContain("%");
            assertThat(decoded.sourcePort()).isEqualTo(source.getPort());
            assertThat(decoded.destinationPort()).isEqualTo(destination.getPort());
        } finally {
            decoded.release(); // the encoder released the header
        }
    }

    @FuzzTest(maxDuration = "30s")
    void decoderReadsOrRejects(byte[] input) {
        EmbeddedChannel channel = new EmbeddedChannel(new HAProxyMessageDecoder());
        List<Object> out = new ArrayList<>();
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(input));
            Object message;
            while ((message = channel.readInbound()) != null) {
                out.add(message);
            }
        } catch (DecoderException expected) {
            // HAProxyProtocolException and other decoder failures: the endpoint closes the connection
        }
        try {
            channel.finishAndReleaseAll(); // the decoder reads what is left once more at the end of input
        } catch (DecoderException expected) {
            // the same failure again
        }
        try {
            for (Object message : out) {
                if (message instanceof HAProxyMessage header && header.command() == HAProxyCommand.PROXY
                        && header.proxiedProtocol() != HAProxyProxiedProtocol.UNKNOWN
                        && header.proxiedProtocol().transportProtocol() == HAProxyProxiedProtocol.TransportProtocol.STREAM
                        && header.proxiedProtocol().addressFamily() != HAProxyProxiedProtocol.AddressFamily.AF_UNIX) {
                    HAProxyMessage again = decodeOne(encode(header.retain()));
                    try {
                        assertThat(again.protocolVersion()).isEqualTo(header.protocolVersion());
                        assertThat(again.proxiedProtocol()).isEqualTo(header.proxiedProtocol());
                        assertThat(again.sourceAddress()).isEqualTo(header.sourceAddress());
                        assertThat(again.destinationAddress()).isEqualTo(header.destinationAddress());
                        assertThat(again.sourcePort()).isEqualTo(header.sourcePort());
                        assertThat(again.destinationPort()).isEqualTo(header.destinationPort());
                    } finally {
                        again.release();
                    }
                }
            }
        } finally {
            out.forEach(ReferenceCountUtil::release);
        }
    }

    /**
     * IPv4, IPv6, IPv4-mapped IPv6 (Java reads that as IPv4) and scoped link-local IPv6, as sockets report
     * them; ports from 1 (a connected socket has no port 0).
     */
    private static InetAddress address(FuzzedDataProvider data) throws UnknownHostException {
        return switch (data.consumeInt(0, 3)) {
            case 0 -> InetAddress.getByAddress(padded(data.consumeBytes(4), 4));
            case 1 -> Inet6Address.getByAddress(null, padded(data.consumeBytes(16), 16), -1);
            case 2 -> Inet6Address.getByAddress(null, padded(data.consumeBytes(16), 16), data.consumeInt(0, 255));
            default -> {
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(padded(data.consumeBytes(4), 4), 0, mapped, 12, 4);
                yield InetAddress.getByAddress(mapped);
            }
        };
    }

    private static byte[] padded(byte[] bytes, int length) {
        byte[] out = new byte[length];
        System.arraycopy(bytes, 0, out, 0, Math.min(bytes.length, length));
        return out;
    }

    /** The decoded text names the same address (IPv4 as itself or IPv4-mapped; scope ids do not travel). */
    private static boolean sameAddress(String decoded, InetAddress expected) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(decoded);
        if (bytes == null) {
            return false;
        }
        byte[] wanted = expected.getAddress();
        if (bytes.length == wanted.length) {
            return java.util.Arrays.equals(bytes, wanted);
        }
        byte[] v4 = bytes.length == 4 ? bytes : wanted;
        byte[] v6 = bytes.length == 16 ? bytes : wanted;
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(v4, 0, mapped, 12, 4);
        return java.util.Arrays.equals(v6, mapped);
    }

    private static ByteBuf encode(HAProxyMessage header) {
        EmbeddedChannel channel = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        assertThat(channel.writeOutbound(header)).isTrue();
        ByteBuf encoded = Unpooled.buffer();
        ByteBuf part;
        while ((part = channel.readOutbound()) != null) {
            encoded.writeBytes(part);
            part.release();
        }
        channel.finishAndReleaseAll();
        return encoded;
    }

    private static HAProxyMessage decodeOne(ByteBuf encoded) {
        EmbeddedChannel channel = new EmbeddedChannel(new HAProxyMessageDecoder());
        try {
            channel.writeInbound(encoded);
            Object decoded = channel.readInbound();
            assertThat(decoded).isInstanceOf(HAProxyMessage.class);
            assertThat((Object) channel.readInbound()).as("nothing after the header").isNull();
            return (HAProxyMessage) decoded;
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
