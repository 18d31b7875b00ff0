package dev.portcullis.dataplane.runtime;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * The host (the table's entry: a name or a {@code *.} wildcard) whose certificate a TLS
 * connection's handshake was served for, when the client named one (SNI): requests on that
 * connection may only go to that entry, or one host's TLS could be used to reach another
 * (RFC 9110 15.5.20, 421 Misdirected Request). By name, not by context, so a certificate rotated
 * while the connection lives does not make its next request misdirected.
 */
public final class ServedTls {

    private static final AttributeKey<String> BY_SNI = AttributeKey.valueOf("portcullis.sni-context");

    private ServedTls() {
    }

    public static void record(Channel connection, RoutedHost bySni) {
        connection.attr(BY_SNI).set(bySni.hostname());
    }

    /** The host entry chosen by SNI for this connection (or the HTTP/2 connection of this stream), else null. */
    public static String of(Channel channel) {
        String host = channel.attr(BY_SNI).get();
        return host != null || channel.parent() == null ? host : channel.parent().attr(BY_SNI).get();
    }
}
