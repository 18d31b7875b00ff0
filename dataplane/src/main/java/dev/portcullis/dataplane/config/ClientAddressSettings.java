package dev.portcullis.dataplane.config;

import java.util.List;

/**
 * Where the real client address comes from when the data plane sits behind a proxy or an L4 load
 * balancer. Both lists are CIDR ranges; empty means nobody is believed, the default.
 *
 * @param proxyProtocolFrom     peers that must start each connection with a PROXY protocol header (v1 or
 *                              v2, as HAProxy's {@code accept-proxy}); its source address is the client's.
 *                              Other peers are never read for one: their header is a malformed request
 * @param trustForwardedForFrom peers whose {@code X-Forwarded-For} is believed: the client is the
 *                              rightmost address in it that is not itself trusted (nginx's
 *                              {@code real_ip_recursive}). From anyone else the header is appended to, never believed
 */
public record ClientAddressSettings(List<String> proxyProtocolFrom, List<String> trustForwardedForFrom) {

    public static final ClientAddressSettings NONE = new ClientAddressSettings(List.of(), List.of());

    public ClientAddressSettings {
        proxyProtocolFrom = Lists.copyOrEmpty(proxyProtocolFrom);
        trustForwardedForFrom = Lists.copyOrEmpty(trustForwardedForFrom);
    }

    /** One message per entry that is not an address or CIDR range. */
    public List<String> problems() {
        java.util.ArrayList<String> problems = new java.util.ArrayList<>();
        Cidr.problems(proxyProtocolFrom).forEach(problem -> problems.add("listener.clientAddress.proxyProtocolFrom: " + problem));
        Cidr.problems(trustForwardedForFrom)
                .forEach(problem -> problems.add("listener.clientAddress.trustForwardedForFrom: " + problem));
        return problems;
    }

    /** Jackson's {@code CUSTOM} inclusion filter: nobody trusted is left out of the JSON. */
    public static final class OmitNone {
        @Override
        public boolean equals(Object value) {
            return value == null || NONE.equals(value);
        }

        @Override
        public int hashCode() {
            return NONE.hashCode();
        }
    }
}
