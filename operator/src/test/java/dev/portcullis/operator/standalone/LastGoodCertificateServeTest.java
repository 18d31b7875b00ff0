package dev.portcullis.operator.standalone;

import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #16: a bad edit to a TLS Secret must not switch its host to the self-signed default
 * certificate. {@code serve} on real sockets; clients that verify the certificate and the host name
 * open a new TLS connection for every request (so every request sees the certificate served at that
 * moment) while the Secret is corrupted twice and then repaired: no request fails, the host keeps
 * its old certificate until the repair, and a Warning names what broke.
 */
class LastGoodCertificateServeTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("last good serve CA", KeyType.EC_P256);
    private static final String HOST = "shop.example.test";

    @TempDir
    Path directory;
    private EchoBackend shop;
    private ServeCommand serving;
    private final IssuedCertificate first = CA.issueServer(List.of(HOST), KeyType.EC_P256);
    private final IssuedCertificate stranger = CA.issueServer(List.of(HOST), KeyType.EC_P256);
    private final IssuedCertificate renewed = CA.issueServer(List.of(HOST), KeyType.RSA_2048);

    @BeforeEach
    void start() throws Exception {
        shop = EchoBackend.start("shop", "127.0.0.1", 0);
        write(StandaloneManifests.base64(first.chainPem()), StandaloneManifests.base64(first.privateKeyPem()));
        serving = ServeCommand.start(directory, DataPlaneServer.Listen.loopbackEphemeral(), Duration.ofMillis(100));
    }

    @AfterEach
    void stop() {
        serving.close();
        shop.close();
    }

    @Test
    void corruptingEditsUnderLoadKeepTheLastGoodCertificateAndFailNoRequest() throws Exception {
        SSLContext trusting = TestClients.sslContextTrusting(CA);
        InetSocketAddress https = serving.server().httpsAddress();
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Set<BigInteger> serials = ConcurrentHashMap.newKeySet();
        AtomicInteger answered = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(3);
        List<Future<?>> loops = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            loops.add(clients.submit(() -> {
                for (int i = 0; running.get() && i < 100_000; i++) {
                    try {
                        serials.add(request(trusting, https, "/i/" + i));
                        answered.incrementAndGet();
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> answered.get() > 30);

        // A key that belongs to another certificate.
        write(StandaloneManifests.base64(first.chainPem()), StandaloneManifests.base64(stranger.privateKeyPem()));
        await().atMost(Duration.ofSeconds(20)).until(() -> kept("SecretInvalid"));
        int before = answered.get();
        await().atMost(Duration.ofSeconds(20)).until(() -> answered.get() > before + 50);

        // PEM that is not PEM.
        write(StandaloneManifests.base64("-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n"), StandaloneManifests.base64(first.privateKeyPem()));
        await().atMost(Duration.ofSeconds(20)).until(() -> serving.problems().stream().anyMatch(problem ->
                problem.reason().equals("LastGoodCertificateKept") && problem.message().contains("certificate PEM")));
        int later = answered.get();
        await().atMost(Duration.ofSeconds(20)).until(() -> answered.get() > later + 50);
        assertThat(serials).as("only the first certificate was served so far").containsExactly(first.leaf().getSerialNumber());

        // The repair is served.
        write(StandaloneManifests.base64(renewed.chainPem()), StandaloneManifests.base64(renewed.privateKeyPem()));
        await().atMost(Duration.ofSeconds(20)).until(() -> serials.contains(renewed.leaf().getSerialNumber()));
        assertThat(serving.problems()).noneMatch(problem -> problem.reason().equals("LastGoodCertificateKept"));

        running.set(false);
        for (Future<?> loop : loops) {
            loop.get(30, TimeUnit.SECONDS);
        }
        clients.shutdown();
        assertThat(failures).as("failed HTTPS requests").isEmpty();
        assertThat(serials).containsExactlyInAnyOrder(first.leaf().getSerialNumber(), renewed.leaf().getSerialNumber());
        System.out.printf("last good certificate kept through 2 corrupting edits: %d HTTPS requests (new connection each), %d failed%n",
                answered.get(), failures.size());
    }

    private boolean kept(String underlying) {
        return serving.problems().stream().anyMatch(problem -> problem.reason().equals("LastGoodCertificateKept")
                && !problem.isError() && problem.message().contains(underlying));
    }

    /** One request on a new verified TLS connection; returns the serial of the leaf served. */
    private static BigInteger request(SSLContext context, InetSocketAddress address, String path) throws Exception {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(address.getHostString(), address.getPort())) {
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(HOST)));
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setApplicationProtocols(new String[]{"http/1.1"});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            X509Certificate leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            if (status == null || !status.startsWith("HTTP/1.1 200")) {
                throw new IllegalStateException("answered " + status);
            }
            return leaf.getSerialNumber();
        }
    }

    private void write(String crt, String key) throws Exception {
        Path file = directory.resolve("shop.yaml");
        Path next = directory.resolve("shop.yaml.tmp");
        Files.writeString(next, """
                apiVersion: v1
                kind: Service
                metadata:
                  name: shop
                spec:
                  ports:
                  - name: http
                    port: 80
                    targetPort: web
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: shop-1
                  labels:
                    kubernetes.io/service-name: shop
                addressType: IPv4
                ports:
                - name: http
                  port: %d
                endpoints:
                - addresses: ["127.0.0.1"]
                ---
                apiVersion: v1
                kind: Secret
                metadata:
                  name: shop-tls
                type: kubernetes.io/tls
                data:
                  tls.crt: %s
                  tls.key: %s
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: shop
                spec:
                  tls:
                  - hosts: [%s]
                    secretName: shop-tls
                  rules:
                  - host: %s
                    http:
                      paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: shop
                            port:
                              name: http
                """.formatted(shop.address().getPort(), crt, key, HOST, HOST));
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

}
