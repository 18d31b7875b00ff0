package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.operator.manifest.ManifestReader;
import dev.portcullis.operator.manifest.StandaloneIngressClass;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static dev.portcullis.operator.translate.FreshTranslations.assertSame;
import static dev.portcullis.operator.translate.FreshTranslations.fresh;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A translation that reuses the last one's reading of each EndpointSlice gives what a fresh
 * translation gives: an edited slice (a new object) is read again, a slice read on two ports
 * gives each its own, and an address that is not an IP is reported at every translation.
 */
class SliceEndpointsMemoTest {

    @Test
    void anEditedSliceIsReadAgainAndAnUnchangedOneGivesTheSameEndpoints() throws IOException {
        ClusterState before = state();
        ParsedSecrets memo = new ParsedSecrets();
        Translation first = IngressTranslator.translate(before, 1, GoldenCertificates.NOW, memo);
        assertSame(first, fresh(before));
        assertSame(IngressTranslator.translate(before, 2, GoldenCertificates.NOW, memo), fresh(before));

        EndpointSlice slice = slice(before, "web-a");
        EndpointSlice edited = new EndpointSliceBuilder(slice).addToEndpoints(new EndpointBuilder()
                .withAddresses("10.0.0.9").withNewConditions().withReady(false).endConditions().build()).build();
        ClusterState after = replace(before, slice, edited);
        Translation translated = IngressTranslator.translate(after, 3, GoldenCertificates.NOW, memo);
        assertSame(translated, fresh(after));
        assertThat(cluster(translated, "default/web:80").endpoints()).containsExactly(
                new Endpoint("10.0.0.1", 8080, true), new Endpoint("10.0.0.2", 8080, true),
                new Endpoint("10.0.0.9", 8080, false));
    }

    @Test
    void aSliceOnTwoPortsGivesEachPortItsOwnEndpoints() throws IOException {
        ClusterState state = state();
        ParsedSecrets memo = new ParsedSecrets();
        IngressTranslator.translate(state, 1, GoldenCertificates.NOW, memo);
        Translation again = IngressTranslator.translate(state, 2, GoldenCertificates.NOW, memo);
        assertSame(again, fresh(state));
        assertThat(cluster(again, "default/web:80").endpoints()).extracting(Endpoint::port).containsOnly(8080);
        assertThat(cluster(again, "default/web:443").endpoints()).extracting(Endpoint::port).containsOnly(8443);
    }

    @Test
    void anAddressThatIsNotAnIpIsReportedAtEveryTranslation() throws IOException {
        ClusterState state = state();
        ParsedSecrets memo = new ParsedSecrets();
        for (int version = 1; version <= 3; version++) {
            Translation translated = IngressTranslator.translate(state, version, GoldenCertificates.NOW, memo);
            // Once for each of the two clusters that read the slice.
            assertThat(translated.problems()).filteredOn(problem -> problem.reason().equals("InvalidEndpointAddress"))
                    .hasSize(2);
            assertSame(translated, fresh(state));
        }
    }

    private static final String MANIFESTS = """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: default}
            spec: {ports: [{name: http, port: 80}, {name: https, port: 443}]}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: web-a, namespace: default, labels: {kubernetes.io/service-name: web}}
            addressType: IPv4
            ports: [{name: http, port: 8080}, {name: https, port: 8443}]
            endpoints:
              - addresses: [10.0.0.2]
              - addresses: [10.0.0.1]
                conditions: {ready: true}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: web-b, namespace: default, labels: {kubernetes.io/service-name: web}}
            addressType: IPv4
            ports: [{name: http, port: 8080}, {name: https, port: 8443}]
            endpoints:
              - addresses: [pod.example.test]
              - addresses: [10.0.0.1]
                conditions: {ready: false}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: shop, namespace: default}
            spec:
              rules:
                - host: shop.example.test
                  http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: api, namespace: default}
            spec:
              rules:
                - host: api.example.test
                  http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 443}}}}]}
            """;

    private static ClusterState state() throws IOException {
        return StandaloneIngressClass.ensure(ManifestReader.readText("case.in.yaml", MANIFESTS).state());
    }

    private static Cluster cluster(Translation translation, String name) {
        return translation.snapshot().clusters().stream().filter(cluster -> cluster.name().equals(name)).findFirst().orElseThrow();
    }

    private static EndpointSlice slice(ClusterState state, String name) {
        return state.endpointSlices().stream().filter(slice -> slice.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    }

    private static ClusterState replace(ClusterState state, EndpointSlice old, EndpointSlice edited) {
        List<EndpointSlice> slices = new ArrayList<>(state.endpointSlices());
        slices.set(slices.indexOf(old), edited);
        return StandaloneIngressClass.ensure(new ClusterState(state.ingresses(), state.ingressClasses(), state.secrets(),
                state.services(), slices));
    }
}
