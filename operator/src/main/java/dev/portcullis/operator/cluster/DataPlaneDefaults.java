package dev.portcullis.operator.cluster;

import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.tls.InvalidCertificateException;
import dev.portcullis.dataplane.tls.PemParser;
import dev.portcullis.operator.deploy.DataPlane;
import dev.portcullis.operator.translate.ClusterState;
import io.fabric8.kubernetes.api.model.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** What a DataPlane adds to its class's snapshots: the default certificate named in its spec. */
public final class DataPlaneDefaults {

    private static final Logger LOG = LoggerFactory.getLogger(DataPlaneDefaults.class);

    private DataPlaneDefaults() {
    }

    /** The oldest DataPlane serving the class decides; a Secret that does not parse is logged and not used. */
    public static Optional<TlsCertificate> defaultCertificate(List<DataPlane> dataPlanes, ClusterState state, String ingressClass) {
        return dataPlanes.stream()
                .filter(dataPlane -> dataPlane.getSpec() != null && ingressClass.equals(dataPlane.getSpec().ingressClassName))
                .filter(dataPlane -> dataPlane.getSpec().tls != null && dataPlane.getSpec().tls.defaultCertificateSecret != null)
                .min(Comparator.comparing((DataPlane dataPlane) -> String.valueOf(dataPlane.getMetadata().getCreationTimestamp()))
                        .thenComparing(dataPlane -> dataPlane.getMetadata().getName()))
                .flatMap(dataPlane -> load(state, ClusterState.namespaceOf(dataPlane), dataPlane.getSpec().tls.defaultCertificateSecret));
    }

    private static Optional<TlsCertificate> load(ClusterState state, String namespace, String name) {
        Optional<Secret> secret = state.secret(namespace, name);
        if (secret.isEmpty() || secret.get().getData() == null) {
            LOG.warn("default certificate secret {}/{} does not exist; the generated default certificate is served", namespace, name);
            return Optional.empty();
        }
        try {
            String chain = decode(secret.get(), "tls.crt");
            String key = decode(secret.get(), "tls.key");
            PemParser.parse(chain, key);
            return Optional.of(new TlsCertificate(namespace + "/" + name, chain, key));
        } catch (InvalidCertificateException | IllegalArgumentException e) {
            LOG.warn("default certificate secret {}/{} cannot be used: {}; the generated default certificate is served",
                    namespace, name, e.getMessage());
            return Optional.empty();
        }
    }

    private static String decode(Secret secret, String key) {
        String value = secret.getData().get(key);
        if (value == null) {
            throw new IllegalArgumentException("it has no " + key);
        }
        return new String(Base64.getMimeDecoder().decode(value), StandardCharsets.UTF_8);
    }
}
