package dev.portcullis.operator.realapi;

import dev.portcullis.operator.OperatorRuntime;
import dev.portcullis.operator.OperatorSettings;
import dev.portcullis.testkit.AuditLog;
import dev.portcullis.testkit.RealApiServer;
import dev.portcullis.testkit.RealApiServerTest;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator against a real kube-apiserver with server-side apply on (the production setting):
 * Ingress status through the status subresource, owned objects applied, Warning Events accepted by
 * the server's validation, and none of the operator's own writes answered 409.
 */
@RealApiServerTest
class OperatorOnRealApiServerTest {

    static RealApiServer server;

    private KubernetesClient admin;
    private KubernetesClient operatorClient;
    private OperatorRuntime operator;
    private String namespace;
    private String apps;

    @BeforeEach
    void start() throws Exception {
        admin = server.adminClient();
        namespace = "portcullis-" + UUID.randomUUID().toString().substring(0, 6);
        apps = "shop-" + UUID.randomUUID().toString().substring(0, 6);
        for (String name : List.of(namespace, apps)) {
            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        }
        RealApiServer.installCrds(admin, Path.of("../crds/dataplanes.portcullis.dev-v1.yml"));
        if (admin.network().v1().ingressClasses().withName("portcullis").get() == null) {
            admin.network().v1().ingressClasses().resource(new IngressClassBuilder().withNewMetadata().withName("portcullis")
                    .endMetadata().withNewSpec().withController("portcullis.dev/ingress-controller").endSpec().build()).create();
        }
        admin.services().inNamespace(namespace).resource(new ServiceBuilder().withNewMetadata().withName("portcullis-dataplane")
                .endMetadata().withNewSpec().withType("LoadBalancer").addNewPort().withPort(443).endPort().endSpec().build()).create();
        operatorClient = server.operatorClient();
        operator = startOperator();
    }

    private OperatorRuntime startOperator() throws Exception {
        return OperatorRuntime.start(operatorClient, new OperatorSettings(namespace, "portcullis-operator", "127.0.0.1", 0,
                "portcullis-dataplane", null, true, false, false, Duration.ofMillis(50), Duration.ofMillis(300),
                Duration.ofSeconds(2)));
    }

    @AfterEach
    void stop() {
        if (operator != null) {
            operator.close();
        }
        operatorClient.close();
        admin.close();
    }

    @Test
    void statusGoesThroughTheStatusSubresourceAndNeverConflictsWithEditsOfTheIngress() {
        ingress("shop", "shop.example.test", null);
        setLoadBalancerIp("198.51.100.1");
        await().atMost(Duration.ofSeconds(30)).until(() -> statusIps("shop").equals(List.of("198.51.100.1")));

        // The operator's cached Ingress falls behind while users edit it: each status write must still land.
        for (int round = 2; round <= 6; round++) {
            int value = round;
            admin.network().v1().ingresses().inNamespace(apps).withName("shop").edit(ingress -> {
                ingress.getMetadata().setLabels(Map.of("edited", Integer.toString(value)));
                return ingress;
            });
            setLoadBalancerIp("198.51.100." + round);
            await().atMost(Duration.ofSeconds(30)).until(() -> statusIps("shop").equals(List.of("198.51.100." + value)));
        }

        List<AuditLog.Entry> writes = operatorWrites("ingresses");
        assertThat(writes).isNotEmpty().allSatisfy(entry -> {
            assertThat(entry.subresource()).as("only status is written: %s", entry).isEqualTo("status");
            assertThat(entry.verb()).isEqualTo("patch");
        });
        assertThat(server.auditLog().by(RealApiServer.OPERATOR_USER)).as("the operator's requests answered 409")
                .filteredOn(entry -> !entry.resource().equals("events")) // 409 there means "reported already", on purpose
                .noneMatch(entry -> entry.code() == 409);
        Ingress ingress = admin.network().v1().ingresses().inNamespace(apps).withName("shop").get();
        List<ManagedFieldsEntry> operatorFields = ingress.getMetadata().getManagedFields().stream()
                .filter(entry -> entry.getOperation().equals("Apply")).toList();
        assertThat(operatorFields).as("the operator owns the status, never the spec").isNotEmpty()
                .allSatisfy(entry -> assertThat(entry.getSubresource()).isEqualTo("status"));
    }

    @Test
    void aProblemBecomesAWarningEventThatTheServerAcceptsOnceAcrossRestarts() throws Exception {
        ingress("broken", "broken.example.test", "no-such-secret");
        await().atMost(Duration.ofSeconds(30)).until(() -> warnings("broken").stream()
                .anyMatch(event -> event.getMessage().contains("no-such-secret")));
        Event event = warnings("broken").stream().filter(warning -> warning.getMessage().contains("no-such-secret"))
                .findFirst().orElseThrow();
        assertThat(event.getReason()).isNotBlank();
        assertThat(event.getInvolvedObject().getUid())
                .isEqualTo(admin.network().v1().ingresses().inNamespace(apps).withName("broken").get().getMetadata().getUid());
        assertThat(server.auditLog().by(RealApiServer.OPERATOR_USER))
                .filteredOn(entry -> entry.resource().equals("events"))
                .isNotEmpty().allSatisfy(entry -> assertThat(entry.code()).isIn(201, 409));

        // An edit that leaves the problem as it was is reconciled without a second Event.
        int events = warnings("broken").size();
        long eventCreates = operatorEventCreates();
        double translations = metric("portcullis_operator_translation_seconds_count");
        admin.network().v1().ingresses().inNamespace(apps).withName("broken").edit(ingress -> {
            ingress.getMetadata().setLabels(Map.of("touched", "yes"));
            return ingress;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> metric("portcullis_operator_translation_seconds_count") > translations);
        assertThat(warnings("broken")).as("no Event storm: the problem set did not change").hasSize(events);

        // A restarted operator finds its Events already written and does not report them again.
        operator.close();
        operator = startOperator();
        await().atMost(Duration.ofSeconds(30)).until(() -> reconciles() > 0 && operatorEventCreates() > eventCreates);
        assertThat(warnings("broken")).as("the same problems after a restart: the same Events").hasSize(events);
    }

    private long operatorEventCreates() {
        return server.auditLog().by(RealApiServer.OPERATOR_USER).stream()
                .filter(entry -> entry.resource().equals("events") && entry.verb().equals("create")).count();
    }

    @Test
    void anIngressThatLeavesOurClassHasItsStatusCleared() {
        ingress("shop", "shop.example.test", null);
        setLoadBalancerIp("198.51.100.20");
        await().atMost(Duration.ofSeconds(30)).until(() -> statusIps("shop").equals(List.of("198.51.100.20")));

        admin.network().v1().ingresses().inNamespace(apps).withName("shop").edit(ingress -> {
            ingress.getSpec().setIngressClassName("someone-else");
            return ingress;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> statusIps("shop").isEmpty());
    }

    private double reconciles() {
        return metric("portcullis_operator_reconciles_total");
    }

    private double metric(String name) {
        return operator.scrapeMetrics().lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void aDefaultCertificateThatCannotBeUsedIsAProblemOnItsDataPlane() {
        admin.load(new java.io.ByteArrayInputStream("""
                apiVersion: portcullis.dev/v1alpha1
                kind: DataPlane
                metadata: {name: strict, namespace: %s}
                spec:
                  replicas: 1
                  image: registry.example.test/portcullis/dataplane:1
                  ingressClassName: portcullis
                  tls: {minVersion: "1.3", defaultCertificateSecret: missing-default}
                """.formatted(namespace).getBytes())).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> degradedReason("strict").equals("SecretNotFound"));
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.v1().events().inNamespace(namespace).list().getItems().stream()
                .anyMatch(event -> "DataPlane".equals(event.getInvolvedObject().getKind())
                        && "strict".equals(event.getInvolvedObject().getName()) && event.getMessage().contains("missing-default")));
        assertThat(deployment("strict").getSpec().getTemplate().getSpec().getContainers().getFirst().getArgs())
                .as("the minimum TLS version travels in the snapshot").doesNotContain("--min-tls-version");
    }

    private String degradedReason(String name) {
        var dataPlane = admin.genericKubernetesResources("portcullis.dev/v1alpha1", "DataPlane").inNamespace(namespace)
                .withName(name).get();
        if (!(dataPlane.getAdditionalProperties().get("status") instanceof Map<?, ?> status)
                || !(status.get("conditions") instanceof List<?> conditions)) {
            return "";
        }
        return conditions.stream().map(condition -> (Map<?, ?>) condition)
                .filter(condition -> "Degraded".equals(condition.get("type")) && "True".equals(condition.get("status")))
                .map(condition -> String.valueOf(condition.get("reason"))).findFirst().orElse("");
    }

    private Deployment deployment(String dataPlane) {
        return admin.apps().deployments().inNamespace(namespace).list().getItems().stream()
                .filter(deployment -> deployment.getMetadata().getName().contains(dataPlane)).findFirst().orElse(null);
    }

    private int dataPlaneConditions(String name) {
        var dataPlane = admin.genericKubernetesResources("portcullis.dev/v1alpha1", "DataPlane").inNamespace(namespace)
                .withName(name).get();
        Object status = dataPlane.getAdditionalProperties().get("status");
        return status instanceof Map<?, ?> map && map.get("conditions") instanceof List<?> list ? list.size() : 0;
    }

    private List<AuditLog.Entry> operatorWrites(String resource) {
        return server.auditLog().by(RealApiServer.OPERATOR_USER).stream()
                .filter(entry -> entry.resource().equals(resource) && entry.namespace().equals(apps))
                .filter(entry -> !List.of("get", "list", "watch").contains(entry.verb())).toList();
    }

    private void ingress(String name, String host, String tlsSecret) {
        IngressBuilder ingress = new IngressBuilder().withNewMetadata().withName(name).withNamespace(apps).endMetadata()
                .withNewSpec().withIngressClassName("portcullis")
                .addNewRule().withHost(host).withNewHttp().addNewPath().withPath("/").withPathType("Prefix")
                .withNewBackend().withNewService().withName("web").withNewPort().withNumber(80).endPort().endService().endBackend()
                .endPath().endHttp().endRule().endSpec();
        if (tlsSecret != null) {
            ingress.editSpec().addNewTl().withHosts(host).withSecretName(tlsSecret).endTl().endSpec();
        }
        admin.network().v1().ingresses().inNamespace(apps).resource(ingress.build()).create();
    }

    private void setLoadBalancerIp(String ip) {
        admin.services().inNamespace(namespace).withName("portcullis-dataplane").editStatus(service -> {
            service.setStatus(new io.fabric8.kubernetes.api.model.ServiceStatusBuilder().withNewLoadBalancer()
                    .addNewIngress().withIp(ip).withIpMode("VIP").endIngress().endLoadBalancer().build());
            return service;
        });
    }

    private List<String> statusIps(String name) {
        Ingress ingress = admin.network().v1().ingresses().inNamespace(apps).withName(name).get();
        if (ingress.getStatus() == null || ingress.getStatus().getLoadBalancer() == null
                || ingress.getStatus().getLoadBalancer().getIngress() == null) {
            return List.of();
        }
        return ingress.getStatus().getLoadBalancer().getIngress().stream().map(entry -> entry.getIp())
                .filter(Objects::nonNull).toList();
    }

    private List<Event> warnings(String ingress) {
        return admin.v1().events().inNamespace(apps).list().getItems().stream()
                .filter(event -> "Warning".equals(event.getType()) && ingress.equals(event.getInvolvedObject().getName()))
                .toList();
    }
}
