package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.SnapshotDiff;
import dev.portcullis.operator.deploy.DataPlane;
import dev.portcullis.operator.deploy.DataPlaneStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Translating only the Ingresses a change touches gives what translating all of them gives, with
 * the same history (a memo fed the same states): on every golden case, as its Ingresses arrive and
 * leave one by one, as its Secrets, Services and EndpointSlices go and come back, and along random
 * edits that join and split hosts.
 */
class IncrementalTranslatorTest {


    /** An incremental translator and the full one it must agree with, each with its own memo. */
    private static final class Pair {
        final IncrementalTranslator incremental = new IncrementalTranslator();
        final ParsedSecrets incrementalMemo = new ParsedSecrets();
        final ParsedSecrets fullMemo = new ParsedSecrets();
        long version;

        void agreeOn(ClusterState state, String step) {
            agreeOn(state, step, GoldenCertificates.NOW);
        }

        void agreeOn(ClusterState state, String step, Instant now) {
            version++;
            Translation full = IngressTranslator.translate(state, version, now, fullMemo, OcspStaples.NONE);
            Translation incremental = this.incremental.translate(state, version, now, incrementalMemo, OcspStaples.NONE);
            try {
                // The order the publisher serves (certificates: a full translation lists kept ones last).
                assertThat(SnapshotDiff.canonical(incremental.snapshot())).isEqualTo(SnapshotDiff.canonical(full.snapshot()));
                assertThat(incremental.problems()).isEqualTo(full.problems());
                assertThat(incremental.lastGoodCertificatesKept()).isEqualTo(full.lastGoodCertificatesKept());
            } catch (AssertionError e) {
                throw new AssertionError("after " + step + ": " + e.getMessage(), e);
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> everyGoldenCaseBuiltAndTakenApartOneObjectAtATime() throws IOException {
        List<Path> inputs = GoldenCases.inputs();
        return inputs.stream().map(input -> DynamicTest.dynamicTest(input.getFileName().toString(), () -> {
            ClusterState read = state(Files.readString(input));
            ClusterState whole = with(read, read.ingresses(), read.secrets(), read.services(), read.endpointSlices());
            Pair pair = new Pair();
            List<Ingress> ingresses = new ArrayList<>();
            pair.agreeOn(with(whole, ingresses, whole.secrets(), whole.services(), whole.endpointSlices()), "no Ingresses");
            for (Ingress ingress : whole.ingresses()) {
                ingresses.add(ingress);
                pair.agreeOn(with(whole, ingresses, whole.secrets(), whole.services(), whole.endpointSlices()), "adding " + name(ingress));
            }
            for (Secret secret : whole.secrets()) {
                List<Secret> fewer = without(whole.secrets(), secret);
                pair.agreeOn(with(whole, ingresses, fewer, whole.services(), whole.endpointSlices()), "deleting " + name(secret));
                pair.agreeOn(whole, "restoring " + name(secret));
            }
            for (Secret secret : whole.secrets()) {
                List<Secret> broken = new ArrayList<>(whole.secrets());
                broken.set(broken.indexOf(secret), new SecretBuilder(secret).withStringData(null)
                        .withData(java.util.Map.of("tls.crt", "YnJva2Vu", "tls.key", "YnJva2Vu", "ca.crt", "YnJva2Vu")).build());
                pair.agreeOn(with(whole, ingresses, broken, whole.services(), whole.endpointSlices()), "breaking " + name(secret));
                pair.agreeOn(whole, "mending " + name(secret));
            }
            for (Service service : whole.services()) {
                List<Service> fewer = without(whole.services(), service);
                pair.agreeOn(with(whole, ingresses, whole.secrets(), fewer, whole.endpointSlices()), "deleting " + name(service));
                pair.agreeOn(whole, "restoring " + name(service));
            }
            for (EndpointSlice slice : whole.endpointSlices()) {
                List<EndpointSlice> fewer = without(whole.endpointSlices(), slice);
                pair.agreeOn(with(whole, ingresses, whole.secrets(), whole.services(), fewer), "deleting " + name(slice));
                pair.agreeOn(whole, "restoring " + name(slice));
            }
            for (Ingress ingress : whole.ingresses()) {
                ingresses.remove(ingress);
                pair.agreeOn(with(whole, ingresses, whole.secrets(), whole.services(), whole.endpointSlices()), "deleting " + name(ingress));
            }
            assertThat(pair.incremental.fullTranslations()).as("only the first is full").isEqualTo(1);
            assertThat(pair.incremental.partialTranslations()).isPositive();
        }));
    }

    @Test
    void randomEditsThatJoinAndSplitHostsAgreeWithFullTranslations() throws IOException {
        ClusterState whole = state(MIXED);
        List<String> hosts = List.of("a.example.test", "b.example.test", "shop.example.test", "", "*.example.test");
        Random random = new Random(7);
        for (int run = 0; run < 20; run++) {
            Pair pair = new Pair();
            List<Ingress> ingresses = new ArrayList<>(whole.ingresses());
            pair.agreeOn(whole, "the start");
            for (int step = 0; step < 30; step++) {
                int index = random.nextInt(ingresses.size());
                Ingress before = ingresses.get(index);
                String host = hosts.get(random.nextInt(hosts.size()));
                Ingress edited = new IngressBuilder(before).editSpec().editFirstRule().withHost(host.isEmpty() ? null : host)
                        .endRule().endSpec().build();
                ingresses.set(index, edited);
                pair.agreeOn(with(whole, ingresses, whole.secrets(), whole.services(), whole.endpointSlices()),
                        "run " + run + " step " + step + ": " + name(before) + " to host \"" + host + "\"");
            }
            assertThat(pair.incremental.partialTranslations()).isPositive();
        }
    }

    @Test
    void aFullTranslationFollowsWhenTimeMovesOnOrSomethingGlobalChanges() throws IOException {
        ClusterState whole = state(MIXED);
        Pair pair = new Pair();
        pair.agreeOn(whole, "the start");
        pair.agreeOn(whole, "nothing changed");
        assertThat(pair.incremental.fullTranslations()).isEqualTo(1);
        pair.agreeOn(whole, "ten minutes on", GoldenCertificates.NOW.plus(IncrementalTranslator.FULL_AT_LEAST_EVERY));
        assertThat(pair.incremental.fullTranslations()).as("the memo forgets deleted Secrets").isEqualTo(2);
        pair.agreeOn(whole.servedTo("other"), "another class served");
        assertThat(pair.incremental.fullTranslations()).isEqualTo(3);
    }

    @Test
    void whenACertificateEntersOrLeavesItsDatesOrItsWarningTheNextChangeTranslatesEverything() throws IOException {
        // shop's certificate has ten days and six hours left at NOW: its warning counts the hours down.
        ClusterState whole = state(MIXED.replace("$CERT(shop.example.test)", "$CERT(shop.example.test;expiring)")
                .replace("$KEY(shop.example.test)", "$KEY(shop.example.test;expiring)"));
        Pair pair = new Pair();
        List<Ingress> ingresses = new ArrayList<>(whole.ingresses());
        // Full: the start, 5 min (the hours count down from NOW on), 61 min (an hour less), 246 h 30 min (expired),
        // 246 h 61 min and 30 days (ten minutes after the last full one). Partial: 12 min and 246 h 35 min.
        List<java.time.Duration> later = List.of(java.time.Duration.ZERO, java.time.Duration.ofMinutes(5),
                java.time.Duration.ofMinutes(12), java.time.Duration.ofMinutes(61), java.time.Duration.ofHours(246).plusMinutes(30),
                java.time.Duration.ofHours(246).plusMinutes(35), java.time.Duration.ofHours(246).plusMinutes(61),
                java.time.Duration.ofDays(30));
        for (java.time.Duration after : later) {
            // Each step edits another Ingress than shop, so that only the clock touches shop's host.
            int index = ingresses.indexOf(ingresses.stream().filter(i -> i.getMetadata().getName().equals("fallback")).findFirst()
                    .orElseThrow());
            ingresses.set(index, new IngressBuilder(ingresses.get(index)).editMetadata()
                    .addToAnnotations("step", after.toString()).endMetadata().build());
            pair.agreeOn(with(whole, ingresses, whole.secrets(), whole.services(), whole.endpointSlices()), after + " after NOW",
                    GoldenCertificates.NOW.plus(after));
        }
        assertThat(pair.incremental.partialTranslations()).as("12 min and 246 h 35 min").isEqualTo(2);
    }

    @Test
    void aDataPlanesStatusChangesNothingTranslatedButItsSpecDoes() throws IOException {
        ClusterState read = state(Files.readString(GoldenCases.CASES
                .resolve("listener-dataplane-sets-minimum-tls-and-default-certificate.in.yaml")));
        DataPlane edge = read.dataPlanes().getFirst();
        ClusterState whole = withDataPlane(read, edge);
        Pair pair = new Pair();
        pair.agreeOn(whole, "the start");
        DataPlane ready = Serialization.clone(edge);
        ready.setStatus(new DataPlaneStatus());
        ready.getStatus().readyReplicas = 2;
        pair.agreeOn(withDataPlane(whole, ready), "two replicas ready");
        assertThat(pair.incremental.fullTranslations()).as("the status is not translated").isEqualTo(1);
        DataPlane stricter = Serialization.clone(ready);
        stricter.getSpec().tls.minVersion = "1.2";
        pair.agreeOn(withDataPlane(whole, stricter), "another minimum TLS version");
        assertThat(pair.incremental.fullTranslations()).as("the spec is").isEqualTo(2);
    }

    private static ClusterState withDataPlane(ClusterState whole, DataPlane dataPlane) {
        return new ClusterState(whole.ingresses(), whole.ingressClasses(), whole.secrets(), whole.services(),
                whole.endpointSlices(), List.of(dataPlane)).servedTo(whole.servedClass());
    }

    /** Hosts with TLS, a passthrough host, a default backend, a canary and a re-encrypted host, sharing two Services. */
    private static final String MIXED = """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: default}
            spec: {ports: [{name: http, port: 80, targetPort: 8080}, {name: https, port: 443, targetPort: 8443}]}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: web-a, namespace: default, labels: {kubernetes.io/service-name: web}}
            addressType: IPv4
            ports: [{name: http, port: 8080}, {name: https, port: 8443}]
            endpoints: [{addresses: ["10.0.0.1"], conditions: {ready: true}}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: api, namespace: default}
            spec: {ports: [{name: http, port: 80, targetPort: 8080}]}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: api-a, namespace: default, labels: {kubernetes.io/service-name: api}}
            addressType: IPv4
            ports: [{name: http, port: 8080}]
            endpoints: [{addresses: ["10.0.0.2"], conditions: {ready: true}}]
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: tls-ab, namespace: default}
            type: kubernetes.io/tls
            stringData: {tls.crt: $CERT(a.example.test b.example.test), tls.key: $KEY(a.example.test b.example.test)}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: tls-shop, namespace: default}
            type: kubernetes.io/tls
            stringData: {tls.crt: $CERT(shop.example.test), tls.key: $KEY(shop.example.test)}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: pods-ca, namespace: default}
            stringData: {ca.crt: $CA()}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: shop, namespace: default, creationTimestamp: "2026-01-01T00:00:01Z"}
            spec:
              tls: [{hosts: [shop.example.test], secretName: tls-shop}]
              rules:
                - host: shop.example.test
                  http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: a
              namespace: default
              creationTimestamp: "2026-01-01T00:00:02Z"
              annotations: {portcullis.dev/load-balance: least-request}
            spec:
              tls: [{hosts: [a.example.test], secretName: tls-ab}]
              rules:
                - host: a.example.test
                  http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}},
                                 {path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: b
              namespace: default
              creationTimestamp: "2026-01-01T00:00:03Z"
              annotations: {portcullis.dev/tls-mode: passthrough}
            spec:
              rules:
                - host: b.example.test
                  http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {name: https}}}}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: fallback, namespace: default, creationTimestamp: "2026-01-01T00:00:04Z"}
            spec:
              defaultBackend: {service: {name: api, port: {number: 80}}}
              rules:
                - host: c.example.test
                  http: {paths: [{path: /c, pathType: Exact, backend: {service: {name: web, port: {number: 80}}}}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: shop-canary
              namespace: default
              creationTimestamp: "2026-01-01T00:00:05Z"
              annotations: {nginx.ingress.kubernetes.io/canary: "true", nginx.ingress.kubernetes.io/canary-weight: "20"}
            spec:
              rules:
                - host: shop.example.test
                  http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: secure
              namespace: default
              creationTimestamp: "2026-01-01T00:00:06Z"
              annotations: {portcullis.dev/tls-mode: reencrypt, portcullis.dev/backend-ca-secret: pods-ca}
            spec:
              tls: [{hosts: [b.example.test], secretName: tls-ab}]
              rules:
                - host: b.example.test
                  http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {name: https}}}}]}
            """;

    private static ClusterState with(ClusterState whole, List<Ingress> ingresses, List<Secret> secrets, List<Service> services,
                                     List<EndpointSlice> slices) {
        return new ClusterState(ingresses, whole.ingressClasses(), secrets, services, slices, whole.dataPlanes())
                .servedTo(whole.servedClass()); // standalone, the class whose DataPlane sets the listener
    }

    private static <T> List<T> without(List<T> objects, T left) {
        List<T> fewer = new ArrayList<>(objects);
        fewer.remove(left);
        return fewer;
    }

    private static String name(HasMetadata object) {
        return object.getKind() + " " + object.getMetadata().getName();
    }

    private static ClusterState state(String manifests) throws IOException {
        return GoldenCases.state(manifests);
    }
}
