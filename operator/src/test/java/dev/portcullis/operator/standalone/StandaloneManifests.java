package dev.portcullis.operator.standalone;

import dev.portcullis.dataplane.tls.IssuedCertificate;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

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
}
