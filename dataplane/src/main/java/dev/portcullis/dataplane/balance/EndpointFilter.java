package dev.portcullis.dataplane.balance;

import java.net.InetSocketAddress;

/**
 * Whether an endpoint may be chosen now (not failing its active check, not ejected). Balancers
 * skip endpoints it refuses; when it refuses every one, they choose among all (as Envoy's panic
 * mode: a check that fails everywhere says more about the check than about every pod).
 */
@FunctionalInterface
public interface EndpointFilter {

    EndpointFilter ALL = endpoint -> true;

    boolean usable(InetSocketAddress endpoint);
}
