package dev.portcullis.operator.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.SnapshotCodec;
import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.route.HostTable;
import dev.portcullis.dataplane.route.PathRouter;
import dev.portcullis.dataplane.tls.PemParser;
import dev.portcullis.operator.manifest.ManifestReader;
import dev.portcullis.operator.manifest.StandaloneIngressClass;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden tests of the translator: {@code translate/<case>.in.yaml} (manifests, plus an optional
 * {@code kind: Probes} document of requests) against {@code <case>.out.yaml} (the snapshot, how each
 * probe routes, and the problems). {@code -Dgolden.update=true} rewrites the outputs for review in
 * the diff.
 */
class GoldenTranslationTest {

    private static final boolean UPDATE = Boolean.getBoolean("golden.update");
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build();

    @TestFactory
    Stream<DynamicTest> everyCase() throws IOException {
        List<Path> inputs = GoldenCases.inputs();
        assertThat(inputs).hasSizeGreaterThanOrEqualTo(40);
        return inputs.stream().map(input -> DynamicTest.dynamicTest(caseName(input), () -> check(input)));
    }

    private static void check(Path input) throws IOException {
        String rendered = render(Files.readString(input));
        Path expected = input.resolveSibling(input.getFileName().toString().replace(".in.yaml", ".out.yaml"));
        if (UPDATE) {
            Files.writeString(expected, rendered);
            return;
        }
        assertThat(expected).as("golden output; create it with -Dgolden.update=true").exists();
        assertThat(rendered).isEqualTo(Files.readString(expected));
    }

    static String render(String manifests) throws IOException {
        String filled = GoldenCertificates.fill(manifests);
        ManifestReader.Manifests read = ManifestReader.readText("case.in.yaml", filled);
        Translation translation = IngressTranslator.translate(StandaloneIngressClass.ensure(read.state()), 1,
                GoldenCertificates.NOW);
        assertThat(translation.snapshot().validate()).as("the translator's snapshot validates").isEmpty();

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("problems", Stream.concat(read.problems().stream(), translation.problems().stream())
                .map(Problem::toString).toList());
        List<String> probes = probes(filled);
        if (!probes.isEmpty()) {
            out.put("routing", route(translation.snapshot(), probes));
        }
        out.put("snapshot", readable(translation.snapshot()));
        return YAML.writeValueAsString(out);
    }

    /** Requests of a {@code kind: Probes} document, as {@code host/path}. */
    private static List<String> probes(String manifests) throws IOException {
        List<String> probes = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(manifests)) {
            while (documents.hasNextValue()) {
                JsonNode document = documents.nextValue();
                if (document != null && "Probes".equals(document.path("kind").asText())) {
                    document.path("requests").forEach(request -> probes.add(request.asText()));
                }
            }
        }
        return probes;
    }

    /**
     * Where each probe goes, with the data plane's own host and path matching; for a route with
     * actions, what it does: the redirect answered, or the target the pod receives.
     */
    private static List<String> route(Snapshot snapshot, List<String> probes) {
        Map<String, PathRouter<Route>> routers = new LinkedHashMap<>();
        for (VirtualHost host : snapshot.virtualHosts()) {
            List<Map.Entry<dev.portcullis.dataplane.config.PathMatch, Route>> rules = new ArrayList<>();
            for (Route route : host.routes()) {
                rules.add(Map.entry(route.match(), route));
            }
            routers.put(host.hostname(), PathRouter.of(rules));
        }
        HostTable<PathRouter<Route>> hosts = HostTable.of(routers);
        java.util.Set<String> servable = new java.util.HashSet<>();
        snapshot.clusters().stream()
                .filter(cluster -> cluster.endpoints().stream().anyMatch(dev.portcullis.dataplane.config.Endpoint::ready))
                .forEach(cluster -> servable.add(cluster.name()));
        List<String> routed = new ArrayList<>();
        for (String probe : probes) {
            int slash = probe.indexOf('/');
            PathRouter<Route> router = hosts.find(probe.substring(0, slash));
            String target = probe.substring(slash);
            String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
            String query = target.substring(path.length());
            PathRouter.Match<Route> match = router == null ? null : router.match(path);
            Route route = match == null ? null : match.target();
            String cluster = route == null ? null : route.cluster();
            String outcome = cluster == null ? "404"
                    : route.appRoot() != null && path.equals("/") ? "302 to " + route.appRoot()
                    : route.redirect() != null ? route.redirect().code() + " to " + route.redirect().location()
                    : servable.contains(cluster) ? cluster
                    : route.errorBackend() != null && servable.contains(route.errorBackend().cluster())
                    ? route.errorBackend().cluster() + " (standing in: " + cluster + " has no ready endpoint)"
                    : cluster + " (503, no ready endpoint)";
            if (route != null && route.redirect() == null && !(route.appRoot() != null && path.equals("/"))) {
                if (route.rewrite() != null) {
                    outcome += ", pod gets " + dev.portcullis.dataplane.route.PathRewrite.parse(route.rewrite())
                            .apply(match.groups(), query);
                }
                if (route.forwardedPrefix() != null) {
                    outcome += ", X-Forwarded-Prefix: " + route.forwardedPrefix();
                }
                if (route.canary() != null) {
                    outcome += ", or its canary " + route.canary().cluster();
                }
            }
            routed.add(probe + " -> " + outcome);
        }
        return routed;
    }

    /** The snapshot as JSON, with each certificate shown by what it is rather than its PEM. */
    private static JsonNode readable(Snapshot snapshot) throws IOException {
        ObjectNode json = (ObjectNode) YAML.readTree(SnapshotCodec.toJson(snapshot));
        for (JsonNode cluster : json.path("clusters")) {
            JsonNode tls = cluster.path("upstreamTls");
            if (tls.hasNonNull("trustedCaPem")) {
                List<X509Certificate> cas = PemParser.certificates(tls.get("trustedCaPem").asText());
                ((ObjectNode) tls).put("trustedCaPem", cas.stream()
                        .map(ca -> ca.getSubjectX500Principal().getName()).toList().toString());
            }
        }
        for (JsonNode host : json.path("virtualHosts")) {
            JsonNode clientAuth = host.path("tls").path("clientAuth");
            if (clientAuth.hasNonNull("caPem")) {
                ((ObjectNode) clientAuth).put("caPem", PemParser.certificates(clientAuth.get("caPem").asText()).stream()
                        .map(ca -> ca.getSubjectX500Principal().getName()).toList().toString());
            }
            if (clientAuth.hasNonNull("crlPem")) {
                ((ObjectNode) clientAuth).put("crlPem", crlSummary(clientAuth.get("crlPem").asText()));
            }
        }
        if (json.has("certificates")) {
            for (int i = 0; i < snapshot.certificates().size(); i++) {
                TlsCertificate certificate = snapshot.certificates().get(i);
                ObjectNode node = (ObjectNode) json.get("certificates").get(i);
                List<X509Certificate> chain = PemParser.certificates(certificate.certificateChainPem());
                node.put("certificateChainPem", chain.getFirst().getSubjectX500Principal().getName()
                        + " " + dnsNames(chain.getFirst()) + ", " + chain.size() + " certificates");
                node.put("privateKeyPem", "<redacted>");
            }
        }
        return json;
    }

    /** A CRL by its issuer and how many certificates it revokes. */
    private static String crlSummary(String pem) {
        try {
            var crl = (java.security.cert.X509CRL) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCRL(new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            int revoked = crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size();
            return "CRL by " + crl.getIssuerX500Principal().getName() + ", " + revoked + " revoked";
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> dnsNames(X509Certificate certificate) {
        try {
            return certificate.getSubjectAlternativeNames().stream().map(entry -> entry.get(1).toString()).toList();
        } catch (java.security.cert.CertificateParsingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String caseName(Path input) {
        return input.getFileName().toString().replace(".in.yaml", "").replace('-', ' ');
    }
}
