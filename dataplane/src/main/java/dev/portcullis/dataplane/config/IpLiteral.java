package dev.portcullis.dataplane.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An endpoint address as EndpointSlices carry it: an IPv4 or IPv6 literal, parsed and never looked
 * up. {@code InetAddress.getByName("localhost")} would ask DNS (or /etc/hosts), and so would a
 * malformed literal such as {@code 1:2}; a name in an endpoint is a problem, not a lookup.
 */
public final class IpLiteral {

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private IpLiteral() {
    }

    /** The address, when the text is an IP literal; empty for a name or anything malformed. */
    public static Optional<InetAddress> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        boolean colon = text.indexOf(':') >= 0;
        if (!colon && !digitsAndDots(text)) {
            return Optional.empty(); // a name: no matcher made (every host of every Ingress is asked, each translation)
        }
        boolean v4 = !colon && IPV4.matcher(text).matches();
        if (!v4 && !(colon && IPV6.matcher(text).matches())) {
            return Optional.empty();
        }
        try {
            // Both shapes are literals by now; the brackets make the JDK refuse, not look up, a bad IPv6 one.
            return Optional.of(InetAddress.getByName(v4 ? text : "[" + text + "]"));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static boolean digitsAndDots(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < '0' || c > '9') && c != '.') {
                return false;
            }
        }
        return true;
    }

    public static boolean is(String text) {
        return parse(text).isPresent();
    }
}
