package dev.portcullis.dataplane.access;

import java.net.InetAddress;
import java.util.List;

/**
 * A route's or a passthrough host's source ranges: an address in {@code deny} is kept out; with an
 * {@code allow} list, so is every address not in it (deny wins over allow, as nginx's
 * {@code deny} lines come first in ingress-nginx's template).
 */
public final class SourceRanges {

    private final NetworkSet allow;
    private final NetworkSet deny;

    private SourceRanges(NetworkSet allow, NetworkSet deny) {
        this.allow = allow;
        this.deny = deny;
    }

    /** {@code null} when both lists are empty: every address comes in. */
    public static SourceRanges of(List<String> allow, List<String> deny) {
        if (allow.isEmpty() && deny.isEmpty()) {
            return null;
        }
        return new SourceRanges(NetworkSet.of(allow), NetworkSet.of(deny));
    }

    /** Whether this client may come in; an unknown address never does. */
    public boolean admits(InetAddress client) {
        if (client == null || deny.contains(client)) {
            return false;
        }
        return allow.isEmpty() || allow.contains(client);
    }
}
