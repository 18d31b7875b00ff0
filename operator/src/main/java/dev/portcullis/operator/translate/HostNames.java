package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.DnsNames;
import dev.portcullis.dataplane.config.VirtualHost;

import java.util.Optional;


/** Host names as Ingress rules write them: lowercase DNS names, optionally a "*." wildcard of one label. */
public final class HostNames {

    private HostNames() {
    }

    /** The host of a rule ("*" when it has none), or empty when it is not a valid name. */
    public static Optional<String> valid(String host) {
        if (host == null || host.isEmpty()) {
            return Optional.of(VirtualHost.ANY_HOST);
        }
        return DnsNames.isHost(host) ? Optional.of(host) : Optional.empty();
    }

    /** As {@link #valid}, reporting a problem on the Ingress when the name is not valid. */
    static Optional<String> checked(Problems problems, ObjectRef ref, String host) {
        Optional<String> valid = valid(host);
        if (valid.isEmpty()) {
            problems.error(ref, "InvalidHost", "host \"" + host + "\" is not a lowercase DNS name or a \"*.\" wildcard"
                    + " of one label; its rules are ignored");
        }
        return valid;
    }
}
