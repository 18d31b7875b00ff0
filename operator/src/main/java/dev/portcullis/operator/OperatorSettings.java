package dev.portcullis.operator;

import java.time.Duration;
import java.util.List;

/**
 * How the in-cluster operator runs.
 *
 * @param namespace          the operator's namespace: its CA and the data planes' client certificate live here
 * @param serviceName        the operator's Service, whose DNS names the channel's certificate carries
 * @param channelBind        address and port of the snapshot channel
 * @param dataPlaneService   the data plane Service whose load balancer address goes into Ingress status
 * @param publishAddress     an address to publish in Ingress status instead (or {@code null})
 * @param serverSideApply    patch status with server-side apply (the fabric8 mock server cannot)
 * @param leaderElection     only the Lease holder writes status and Events (every replica serves snapshots)
 * @param exitOnLostLease    end the process when the Lease is lost (in a pod: restart and compete again);
 *                           data planes keep serving and reconnect to another replica meanwhile
 */
public record OperatorSettings(String namespace, String serviceName, String channelBindAddress, int channelPort,
                               String dataPlaneService, String publishAddress, boolean serverSideApply,
                               boolean leaderElection, boolean exitOnLostLease, Duration holdOff, Duration maxHoldOff,
                               Duration pollTimeout) {

    public List<String> channelServerNames() {
        return List.of(serviceName, serviceName + "." + namespace, serviceName + "." + namespace + ".svc",
                serviceName + "." + namespace + ".svc.cluster.local", "localhost", "127.0.0.1");
    }
}
