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
    void keepServingIsWrittenOnlyWhereItIsTrueAndRoundTrips() {
        assertThat(SnapshotCodec.toJson(sample())).doesNotContain("keepServing");
        Snapshot marked = new Snapshot(2, List.of(new VirtualHost("app.example.test", TlsMode.TERMINATE, "app (unreadable)", List.of())),
                List.of(), List.of(TlsCertificate.keepServing("app (unreadable)")), null);
        String json = SnapshotCodec.toJson(marked);
        assertThat(json).contains("\"keepServing\" : true").doesNotContain("Pem");
        assertThat(SnapshotCodec.fromJson(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(marked);
        assertThat(TlsCertificate.keepServing("app (unreadable)").toString()).contains("keepServing");
    }

    @Test
    void upstreamProtocolIsWrittenOnlyForHttp2AndRoundTrips() {
        assertThat(SnapshotCodec.toJson(sample())).doesNotContain("protocol");
        Snapshot h2 = new Snapshot(3, List.of(), List.of(new Cluster("grpc", BalancePolicy.ROUND_ROBIN,
                List.of(Endpoint.ready("10.0.0.4", 50051)), 0, 0, null, ProxyProtocol.OFF, UpstreamProtocol.HTTP_2)),
                List.of(), null);
        String json = SnapshotCodec.toJson(h2);
        assertThat(json).contains("\"protocol\" : \"h2\"");
        assertThat(SnapshotCodec.fromJson(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(h2);
        assertThat(SnapshotCodec.fromJson(json.replace("\"h2\"", "\"http/1.1\"").getBytes(StandardCharsets.UTF_8))
                .clusters().getFirst().protocol()).isEqualTo(UpstreamProtocol.HTTP_1_1);
    }

    @Test
    void writesTheDocumentedNames() {
        String json = SnapshotCodec.toJson(sample());
        assertThat(json).contains("\"tlsMode\" : \"terminate\"", "\"type\" : \"Prefix\"", "\"type\" : \"Exact\"",
                "\"balance\" : \"round-robin\"", "\"ready\" : false");
    }

    @Test
    void aClustersBodyTimeoutsAndLimitAppearOnlyWhenSet() {
        Cluster plain = new Cluster("web", List.of(Endpoint.ready("10.0.0.1", 8080)));
        Snapshot unset = new Snapshot(1, List.of(), List.of(plain), List.of(), null);
        assertThat(SnapshotCodec.toJson(unset)).doesNotContain("sendTimeoutMillis", "idleTimeoutMillis", "maxRequestBodyBytes");

        Snapshot set = new Snapshot(1, List.of(),
                List.of(plain.withBodyTimeouts(2_000, 3_000).withMaxRequestBodyBytes(1_048_576)), List.of(), null);
        String json = SnapshotCodec.toJson(set);
        assertThat(json).contains("\"sendTimeoutMillis\" : 2000", "\"idleTimeoutMillis\" : 3000",
                "\"maxRequestBodyBytes\" : 1048576");
        assertThat(SnapshotCodec.fromJson(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(set);
        assertThat(new Snapshot(1, List.of(), List.of(plain.withBodyTimeouts(-1, -2).withMaxRequestBodyBytes(-3)),
                List.of(), null).validate()).hasSize(3);
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
    void badBytesAreOneLineInvalidSnapshotExceptions() {
        byte[] latin1 = "{\"version\": 1, \"defaultCertificate\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        byte[] binary = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0, 0};
        byte[] deep = ("{\"version\": 1, \"x\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}")
                .getBytes(StandardCharsets.UTF_8);
        for (byte[] bad : List.of(latin1, binary, deep, new byte[0])) {
            assertThatThrownBy(() -> SnapshotCodec.fromJson(bad))
                    .isInstanceOf(InvalidSnapshotException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
        assertThatThrownBy(() -> SnapshotCodec.fromJson(deep)).hasMessageContaining("nesting depth");
    }

    @Test
    void aGzipBombIsRefusedAtTheLimitNotInflatedWhole() throws Exception {
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(zipped)) {
            byte[] spaces = new byte[1024 * 1024];
            java.util.Arrays.fill(spaces, (byte) ' ');
            for (int i = 0; i < 64; i++) {
                gzip.write(spaces);
            }
        }
        assertThat(zipped.size()).isLessThan(1024 * 1024);
        CountingStream inflated = new CountingStream(new java.util.zip.GZIPInputStream(
                new java.io.ByteArrayInputStream(zipped.toByteArray())));
        assertThatThrownBy(() -> SnapshotCodec.readBounded(inflated, 4 * 1024 * 1024))
                .isInstanceOf(InvalidSnapshotException.class)
                .hasMessage("snapshot is larger than 4 MiB, the most a data plane reads");
        assertThat(inflated.count).as("reading stopped at the limit").isLessThanOrEqualTo(4 * 1024 * 1024 + 1);
    }

    private static final class CountingStream extends java.io.FilterInputStream {
        long count;

        CountingStream(java.io.InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            int n = super.read(b, off, len);
            count += Math.max(n, 0);
            return n;
        }

        @Override
        public int read() throws java.io.IOException {
            int n = super.read();
            count += n < 0 ? 0 : 1;
            return n;
        }
    }

    @Test
    void privateKeysNeverAppearInToString() {
        Snapshot snapshot = sample();
        assertThat(snapshot.toString()).doesNotContain("SECRETKEYMATERIAL").contains("<redacted>");
        assertThat(snapshot.certificates().getFirst().toString()).doesNotContain("SECRETKEYMATERIAL");
    }
}
