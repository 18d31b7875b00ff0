package dev.portcullis.operator.ocsp;

import com.sun.net.httpserver.HttpServer;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A responder that errs, bloats or stalls costs a failed fetch, never a stuck or flooded stapler. */
class OcspFetcherTest {

    private static final OcspTestCa CA = OcspTestCa.create("fetcher CA");

    private HttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);
    private final OcspFetcher fetcher = new OcspFetcher(Duration.ofSeconds(2));

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/error", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        server.createContext("/bloated", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(new byte[64 * 1024]);
            } catch (java.io.IOException e) {
                // the fetcher hung up, as it should
            }
        });
        server.createContext("/stalling", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 1000);
            exchange.getResponseBody().write(new byte[10]);
            exchange.getResponseBody().flush();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        fetcher.close();
        server.stop(0);
    }

    @Test
    void anHttpErrorIsAFailedFetch() {
        assertThatThrownBy(() -> fetcher.fetch(target("/error"))).isInstanceOf(OcspException.class).hasMessageContaining("HTTP 500");
    }

    @Test
    void anOversizedAnswerIsCutOff() {
        assertThatThrownBy(() -> fetcher.fetch(target("/bloated"))).isInstanceOf(OcspException.class)
                .hasMessageContaining("larger than the " + OcspFetcher.MAX_RESPONSE_BYTES + " bytes");
    }

    @Test
    void aResponderThatStallsMidBodyTimesOut() {
        assertThatThrownBy(() -> fetcher.fetch(target("/stalling"))).isInstanceOf(OcspException.class)
                .hasMessageContaining("did not answer within");
    }

    @Test
    void theRequestNamesTheLeafBySha1CertId() throws Exception {
        OcspTarget target = target("/error");
        var request = new org.bouncycastle.cert.ocsp.OCSPReq(OcspResponseVerifier.request(target));
        var id = request.getRequestList()[0].getCertID();
        assertThat(id.getSerialNumber()).isEqualTo(target.leaf().getSerialNumber());
        assertThat(id.getHashAlgOID()).isEqualTo(org.bouncycastle.cert.ocsp.CertificateID.HASH_SHA1.getAlgorithm());
    }

    private OcspTarget target(String path) {
        IssuedCertificate leaf = CA.issueServer(List.of("fetch.example.test"),
                "http://127.0.0.1:" + server.getAddress().getPort() + path);
        return OcspTarget.of(leaf.chainPem()).orElseThrow();
    }
}
