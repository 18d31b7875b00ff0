package dev.portcullis.dataplane.passthrough;

import dev.portcullis.dataplane.config.ProxyProtocol;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;

import java.net.Inet4Address;
import java.net.InetSocketAddress;

/** The PROXY protocol header (v1 or v2) a passthrough endpoint gets first, telling it the client's address and the one it reached. */
final class ProxyProtocolHeaders {

    private ProxyProtocolHeaders() {
    }

    static HAProxyMessage of(ProxyProtocol protocol, InetSocketAddress source, InetSocketAddress destination) {
        boolean v4 = source.getAddress() instanceof Inet4Address && destination.getAddress() instanceof Inet4Address;
        return new HAProxyMessage(
                protocol == ProxyProtocol.V1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2,
                HAProxyCommand.PROXY, v4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
                headerAddress(source, v4), headerAddress(destination, v4), source.getPort(), destination.getPort());
    }

    /**
     * One family for both addresses: with one IPv6 side, an IPv4 side is written IPv4-mapped (::ffff:a.b.c.d).
     * Without a scope id (a link-local client's {@code %eth0}): neither version of the header has room for one.
     */
    private static String headerAddress(InetSocketAddress address, boolean v4) {
        String text = NetUtil.toAddressString(address.getAddress());
        return !v4 && address.getAddress() instanceof Inet4Address ? "::ffff:" + text : text;
    }
}
