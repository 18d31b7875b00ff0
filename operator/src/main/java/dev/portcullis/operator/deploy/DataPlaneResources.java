package dev.portcullis.operator.deploy;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;

import java.util.List;
import java.util.Map;

/**
 * What a DataPlane owns, as pure functions of it: the Deployment of data plane pods, the Service
 * in front of them, the PodDisruptionBudget, and the copy of the operator's client certificate
 * that the pods mount. Every object carries an owner reference, so deleting the DataPlane
 * removes them.
 */
public final class DataPlaneResources {

    public static final String DEFAULT_IMAGE = "ghcr.io/portcullis/portcullis-dataplane:0.1.0";
    /** The label on everything made for a DataPlane, and how the reconciler finds those objects again. */
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String MANAGER = "portcullis";
    static final int HTTP_PORT = 8080;
    static final int HTTPS_PORT = 8443;
    static final int ADMIN_PORT = 9090;
    static final String CERT_MOUNT = "/etc/portcullis/client";

    private DataPlaneResources() {
    }

    static String name(DataPlane dataPlane) {
        return dataPlane.getMetadata().getName() + "-dataplane";
    }

    static String clientSecretName(DataPlane dataPlane) {
        return name(dataPlane) + "-client";
    }

    static Map<String, String> selector(DataPlane dataPlane) {
        return Map.of("app.kubernetes.io/name", "portcullis-dataplane", "app.kubernetes.io/instance", dataPlane.getMetadata().getName());
    }

    /**
     * The pods: non-root, read-only root filesystem, no capabilities, no service-account token;
     * ready once a snapshot is applied; on shutdown they keep serving for a drain period while
     * the endpoints controller takes them out of rotation.
     */
    public static Deployment deployment(DataPlane dataPlane, String controlPlaneUrl) {
        DataPlaneSpec spec = dataPlane.getSpec();
        List<String> args = List.of("--control-plane", controlPlaneUrl, "--client-cert", CERT_MOUNT,
                "--bind", "0.0.0.0", "--http-port", String.valueOf(HTTP_PORT), "--https-port", String.valueOf(HTTPS_PORT),
                "--admin-port", String.valueOf(ADMIN_PORT), "--https-redirect-port", String.valueOf(spec.service.httpsPort),
                "--ingress-class", spec.ingressClassName);
        var container = new ContainerBuilder()
                .withName("dataplane")
                .withImage(spec.image != null ? spec.image : DEFAULT_IMAGE)
                .withImagePullPolicy(spec.imagePullPolicy)
                .withArgs(args)
                .addNewPort().withName("http").withContainerPort(HTTP_PORT).endPort()
                .addNewPort().withName("https").withContainerPort(HTTPS_PORT).endPort()
                .addNewPort().withName("admin").withContainerPort(ADMIN_PORT).endPort()
                .withResources(spec.resources)
                .withNewReadinessProbe().withNewHttpGet().withPath("/readyz").withPort(new IntOrString("admin")).endHttpGet()
                .withPeriodSeconds(2).withFailureThreshold(2).endReadinessProbe()
                // A JVM on a busy node can take a while to start: liveness counts only once it answered.
                .withNewStartupProbe().withNewHttpGet().withPath("/healthz").withPort(new IntOrString("admin")).endHttpGet()
                .withPeriodSeconds(2).withFailureThreshold(90).endStartupProbe()
                .withNewLivenessProbe().withNewHttpGet().withPath("/healthz").withPort(new IntOrString("admin")).endHttpGet()
                .withPeriodSeconds(10).withFailureThreshold(3).endLivenessProbe()
                .withNewSecurityContext()
                .withRunAsNonRoot(true).withRunAsUser(65532L).withRunAsGroup(65532L)
                .withReadOnlyRootFilesystem(true).withAllowPrivilegeEscalation(false)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .addNewVolumeMount().withName("client-cert").withMountPath(CERT_MOUNT).withReadOnly(true).endVolumeMount()
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                .build();
        return new DeploymentBuilder()
                .withMetadata(owned(dataPlane, name(dataPlane)))
                .withNewSpec()
                .withReplicas(spec.replicas)
                .withNewSelector().withMatchLabels(selector(dataPlane)).endSelector()
                .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxUnavailable(new IntOrString(0)).withMaxSurge(new IntOrString(1)).endRollingUpdate().endStrategy()
                .withNewTemplate()
                .withNewMetadata().withLabels(selector(dataPlane)).endMetadata()
                .withNewSpec()
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                // The process drains on SIGTERM itself (not ready, then listeners closed after the delay,
                // then in-flight work until the timeout), so no preStop sleep: five seconds to spare.
                .withTerminationGracePeriodSeconds(terminationGraceSeconds(spec))
                .withNewSecurityContext().withRunAsNonRoot(true).withFsGroup(65532L)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
                .withContainers(container)
                .withImagePullSecrets(spec.imagePullSecrets)
                .addNewVolume().withName("client-cert").withNewSecret().withSecretName(clientSecretName(dataPlane))
                .withDefaultMode(0440).endSecret().endVolume()
                .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
                .withNodeSelector(spec.nodeSelector)
                .withTolerations(spec.tolerations)
                .withAffinity(spec.affinity)
                .withTopologySpreadConstraints(spec.topologySpreadConstraints)
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    static long terminationGraceSeconds(DataPlaneSpec spec) {
        return DataPlaneSpec.drainSettings(spec.drain).timeoutMillis() / 1000 + 5;
    }

    public static Service service(DataPlane dataPlane) {
        DataPlaneSpec.ServiceSpec spec = dataPlane.getSpec().service;
        ObjectMeta metadata = owned(dataPlane, name(dataPlane));
        metadata.setAnnotations(spec.annotations);
        return new ServiceBuilder()
                .withMetadata(metadata)
                .withNewSpec()
                .withType(spec.type)
                .withExternalTrafficPolicy("ClusterIP".equals(spec.type) ? null : spec.externalTrafficPolicy)
                .withSelector(selector(dataPlane))
                .addNewPort().withName("http").withPort(spec.httpPort).withTargetPort(new IntOrString("http")).endPort()
                .addNewPort().withName("https").withPort(spec.httpsPort).withTargetPort(new IntOrString("https")).endPort()
                .endSpec()
                .build();
    }

    /** The budget, or null when disabled. At least one pod stays up unless told otherwise. */
    public static PodDisruptionBudget podDisruptionBudget(DataPlane dataPlane) {
        DataPlaneSpec.DisruptionBudget spec = dataPlane.getSpec().podDisruptionBudget;
        if (spec == null || Boolean.FALSE.equals(spec.enabled)) {
            return null;
        }
        var budget = new PodDisruptionBudgetBuilder().withMetadata(owned(dataPlane, name(dataPlane)))
                .withNewSpec().withNewSelector().withMatchLabels(selector(dataPlane)).endSelector();
        if (spec.maxUnavailable != null) {
            budget.withMaxUnavailable(intOrPercent(spec.maxUnavailable));
        } else {
            budget.withMinAvailable(spec.minAvailable != null ? intOrPercent(spec.minAvailable) : new IntOrString(1));
        }
        return budget.endSpec().build();
    }

    /** The operator's data plane client certificate, copied next to the pods that mount it. */
    public static Secret clientSecret(DataPlane dataPlane, Secret source) {
        return new SecretBuilder().withMetadata(owned(dataPlane, clientSecretName(dataPlane)))
                .withType("kubernetes.io/tls").withData(source.getData()).build();
    }

    /** "1" is a count, "25%" a share, as PodDisruptionBudgets take them. */
    private static IntOrString intOrPercent(String value) {
        return value.chars().allMatch(Character::isDigit) ? new IntOrString(Integer.parseInt(value)) : new IntOrString(value);
    }

    private static ObjectMeta owned(HasMetadata owner, String name) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(owner.getMetadata().getNamespace())
                .withLabels(Map.of("app.kubernetes.io/name", "portcullis-dataplane",
                        "app.kubernetes.io/instance", owner.getMetadata().getName(),
                        MANAGED_BY, MANAGER))
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
                        .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
                        .withController(true).withBlockOwnerDeletion(true).build())
                .build();
    }
}
