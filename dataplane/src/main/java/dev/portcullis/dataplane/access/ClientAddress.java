package dev.portcullis.dataplane.access;

import io.netty.channel.Channel;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The address of the client a connection (or an HTTP/2 stream) serves: what source ranges and rate
 * limits judge. The one place that says which address that is, so that a PROXY protocol header's
 * address can take the socket's place here alone.
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    /** The client's address, or {@code null} when the channel has none (an embedded test channel). */
    public static InetAddress of(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress remote ? remote.getAddress() : null;
    }
}
