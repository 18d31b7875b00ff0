package dev.portcullis.dataplane.server;

import io.netty.channel.Channel;
import io.netty.channel.ServerChannel;
import io.netty.util.AttributeKey;

import java.net.InetSocketAddress;

/**
 * The address of the client a connection serves: the PROXY protocol header's source when a trusted
 * load balancer sent one, else the peer's. An HTTP/2 stream asks its connection.
 */
public final class ClientAddress {

    private static final AttributeKey<InetSocketAddress> FROM_PROXY_HEADER = AttributeKey.valueOf("portcullis.clientAddress");

    private ClientAddress() {
    }

    public static InetSocketAddress of(Channel channel) {
        InetSocketAddress told = channel.attr(FROM_PROXY_HEADER).get();
        Channel connection = channel.parent();
        if (told == null && connection != null && !(connection instanceof ServerChannel)) {
            told = connection.attr(FROM_PROXY_HEADER).get();
        }
        return told != null ? told : (InetSocketAddress) channel.remoteAddress();
    }

    static void set(Channel channel, InetSocketAddress client) {
        channel.attr(FROM_PROXY_HEADER).set(client);
    }
}
