package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.access.NetworkSet;
import dev.portcullis.dataplane.config.ClientAddressSettings;
import dev.portcullis.dataplane.config.IpLiteral;

import java.net.InetAddress;
import java.util.List;

/** The listener's {@link ClientAddressSettings}, parsed once per snapshot. */
public record ClientAddressRules(NetworkSet proxyProtocolFrom, NetworkSet trustForwardedForFrom) {

    public static final ClientAddressRules NONE = of(ClientAddressSettings.NONE);

    public static ClientAddressRules of(ClientAddressSettings settings) {
        return new ClientAddressRules(NetworkSet.of(settings.proxyProtocolFrom()),
                NetworkSet.of(settings.trustForwardedForFrom()));
    }

    /** Whether any peer's X-Forwarded-For is believed. */
    public boolean trustsForwardedFor() {
        return !trustForwardedForFrom.isEmpty();
    }

    public boolean expectsProxyHeaderFrom(InetAddress peer) {
        return proxyProtocolFrom.contains(peer);
    }

    /**
     * The client behind {@code peer}: {@code peer} itself unless it is trusted, else the rightmost
     * address of {@code forwardedFor} (the {@code X-Forwarded-For} values in order) that is not
     * trusted, or the leftmost when every one is. A value that is not an IP literal stops the walk.
     */
    public InetAddress clientBehind(InetAddress peer, List<String> forwardedFor) {
        if (trustForwardedForFrom.isEmpty() || forwardedFor.isEmpty() || !trustForwardedForFrom.contains(peer)) {
            return peer;
        }
        InetAddress client = peer;
        for (int i = forwardedFor.size() - 1; i >= 0; i--) {
            String[] hops = forwardedFor.get(i).split(",");
            for (int j = hops.length - 1; j >= 0; j--) {
                InetAddress hop = IpLiteral.parse(hops[j].strip()).orElse(null);
                if (hop == null) {
                    return client;
                }
                client = hop;
                if (!trustForwardedForFrom.contains(hop)) {
                    return hop;
                }
            }
        }
        return client;
    }
}
