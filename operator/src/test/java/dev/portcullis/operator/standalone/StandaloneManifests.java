package dev.portcullis.operator.standalone;

import dev.portcullis.dataplane.tls.IssuedCertificate;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** The manifests the standalone tests serve: a Service with its EndpointSlice, a TLS Secret. */
final class StandaloneManifests {

    private StandaloneManifests() {
    }

    /** Service {@code name} (port 80, named {@code http}) whose one endpoint is 127.0.0.1:{@code port}. */
    static String service(String name, int port) {
        return serviceAndSliceHead(name, port) + "endpoints:\n- addresses: [\"127.0.0.1\"]\n";
    }

    /** Service {@code name} whose EndpointSlice lists no endpoint (nothing ready behind it). */
    static String serviceWithoutEndpoints(String name) {
        return serviceAndSliceHead(name, 1) + "endpoints: []\n";
    }

    private static String serviceAndSliceHead(String name, int port) {
        return """
                apiVersion: v1
                kind: Service
                metadata:
                  name: %s
                spec:
                  ports:
                  - name: http
                    port: 80
                    targetPort: web
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: %s-1
                  labels:
                    kubernetes.io/service-name: %s
                addressType: IPv4
                ports:
                - name: http
                  port: %d
                """.formatted(name, name, name, port);
    }

    /** A {@code kubernetes.io/tls} Secret holding the certificate's chain and key. */
    static String tlsSecret(String name, IssuedCertificate certificate) {
        return """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: %s
                type: kubernetes.io/tls
                data:
                  tls.crt: %s
                  tls.key: %s
                """.formatted(name, base64(certificate.chainPem()), base64(certificate.privateKeyPem()));
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Ingress {@code name} routing every path of {@code host} to Service {@code service} (port {@code http}),
     * with {@code annotations} ("key: value" lines) and, when {@code tlsSecret} is not null, TLS from that Secret.
     */
    static String ingress(String name, String host, String service, String tlsSecret, List<String> annotations) {
        StringBuilder yaml = new StringBuilder("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: " + name + "\n");
        if (!annotations.isEmpty()) {
            yaml.append("  annotations:\n");
            annotations.forEach(line -> yaml.append("    ").append(line.strip()).append('\n'));
        }
        yaml.append("spec:\n");
        if (tlsSecret != null) {
            yaml.append("  tls:\n  - hosts: [").append(host).append("]\n    secretName: ").append(tlsSecret).append('\n');
        }
        return yaml.append("""
                  rules:
                  - host: %s
                    http:
                      paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: %s
                            port:
                              name: http
                """.formatted(host, service)).toString();
    }

    /** The "key: value" lines of a YAML block of annotations, however it is indented. */
    static List<String> annotationLines(String block) {
        return block.lines().map(String::strip).filter(line -> !line.isEmpty() && !line.equals("annotations:")).toList();
    }
}
