package dev.portcullis.dataplane.config;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotCodecTest {

    static Snapshot sample() {
        return new Snapshot(7,
                List.of(new VirtualHost("app.example.test", TlsMode.TERMINATE, "app",
                                List.of(new Route(PathMatch.prefix("/"), "web"),
                                        new Route(PathMatch.exact("/login"), "auth"))),
                        new VirtualHost("*.wild.example.test", TlsMode.TERMINATE, null,
                                List.of(new Route(PathMatch.prefix("/api"), "web")))),
                List.of(new Cluster("web", List.of(Endpoint.ready("10.0.0.1", 8080), new Endpoint("10.0.0.2", 8080, false))),
                        new Cluster("auth", BalancePolicy.ROUND_ROBIN, List.of(Endpoint.ready("10.0.0.3", 9000)), 250, 1500)),
                List.of(new TlsCertificate("app", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                        "-----BEGIN PRIVATE KEY-----\nSECRETKEYMATERIAL\n-----END PRIVATE KEY-----\n")),
                "app");
    }

    @Test
    void roundTripsEveryField() {
        Snapshot snapshot = sample();
        String json = SnapshotCodec.toJson(snapshot);
        assertThat(SnapshotCodec.fromJson(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(snapshot);
    }

    @Test
    void writesTheDocumentedNames() {
        String json = SnapshotCodec.toJson(sample());
        assertThat(json).contains("\"tlsMode\" : \"terminate\"", "\"type\" : \"Prefix\"", "\"type\" : \"Exact\"",
                "\"balance\" : \"round-robin\"", "\"ready\" : false");
    }

    @Test
    void endpointsWithoutReadyAreReadyAsInEndpointSlices() {
        String json = """
                {"version": 1, "clusters": [{"name": "web", "endpoints": [{"address": "10.0.0.1", "port": 80}]}]}
                """;
        Snapshot snapshot = SnapshotCodec.fromJson(json.getBytes(StandardCharsets.UTF_8));
        assertThat(snapshot.clusters().getFirst().endpoints().getFirst().ready()).isTrue();
        assertThat(snapshot.clusters().getFirst().connectTimeoutMillis()).isEqualTo(Cluster.DEFAULT_CONNECT_TIMEOUT_MILLIS);
        assertThat(snapshot.virtualHosts()).isEmpty();
    }

    @Test
    void unknownFieldsAndBadEnumsAreErrorsWithALocation() {
        assertThatThrownBy(() -> SnapshotCodec.fromJson("{\"version\": 1, \"hosts\": []}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidSnapshotException.class)
                .hasMessageContaining("hosts").hasMessageContaining("line 1");
        assertThatThrownBy(() -> SnapshotCodec.fromJson(
                "{\"version\": 1, \"virtualHosts\": [{\"hostname\": \"a.test\", \"tlsMode\": \"sometimes\"}]}"
                        .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidSnapshotException.class)
                .hasMessageContaining("sometimes");
        assertThatThrownBy(() -> SnapshotCodec.fromJson("{\"version\": 1, ".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidSnapshotException.class);
    }

    @Test
    void privateKeysNeverAppearInToString() {
        Snapshot snapshot = sample();
        assertThat(snapshot.toString()).doesNotContain("SECRETKEYMATERIAL").contains("<redacted>");
        assertThat(snapshot.certificates().getFirst().toString()).doesNotContain("SECRETKEYMATERIAL");
    }
}
