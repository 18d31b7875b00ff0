package dev.portcullis.dataplane.aot;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.dataplane.tls.IssuedCertificate;

/**
 * The snapshots the training run serves, as JSON, as the operator would publish them: a named host
 * and a catch-all terminated to the plain pod, a passthrough host relayed to the TLS pod. Version 2
 * adds a host, so that applying it takes the path of a changed snapshot.
 */
final class TrainingSnapshots {

    static final String HOST = "training.portcullis.invalid";
    static final String PASSTHROUGH_HOST = "pass.training.portcullis.invalid";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainingSnapshots() {
    }

    static String json(int version, IssuedCertificate certificate, int plainPort, int tlsPort) {
        ObjectNode snapshot = JSON.createObjectNode().put("version", version);
        ArrayNode hosts = snapshot.putArray("virtualHosts");
        hosts.add(host(HOST, "terminate", "pod"));
        hosts.add(host("*", "terminate", "pod"));
        hosts.add(host(PASSTHROUGH_HOST, "passthrough", "pod-tls"));
        if (version > 1) {
            hosts.add(host("v" + version + "." + HOST, "terminate", "pod"));
        }
        ArrayNode clusters = snapshot.putArray("clusters");
        clusters.add(cluster("pod", plainPort));
        clusters.add(cluster("pod-tls", tlsPort));
        snapshot.putArray("certificates").addObject().put("name", "training")
                .put("certificateChainPem", certificate.chainPem()).put("privateKeyPem", certificate.privateKeyPem());
        return snapshot.toString();
    }

    private static ObjectNode host(String hostname, String tlsMode, String cluster) {
        ObjectNode host = JSON.createObjectNode().put("hostname", hostname).put("tlsMode", tlsMode);
        if (tlsMode.equals("terminate")) {
            host.put("certificate", "training");
        }
        host.putArray("routes").addObject().put("cluster", cluster)
                .putObject("match").put("type", "Prefix").put("path", "/");
        return host;
    }

    private static ObjectNode cluster(String name, int port) {
        ObjectNode cluster = JSON.createObjectNode().put("name", name);
        cluster.putArray("endpoints").addObject().put("address", "127.0.0.1").put("port", port);
        return cluster;
    }
}
