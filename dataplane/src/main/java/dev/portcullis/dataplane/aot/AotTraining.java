package dev.portcullis.dataplane.aot;

import dev.portcullis.dataplane.cli.DataPlaneCommand;
import dev.portcullis.dataplane.config.SnapshotCodec;
import dev.portcullis.dataplane.controlplane.ControlPlaneClient;
import dev.portcullis.dataplane.runtime.RuntimeCheck;
import dev.portcullis.dataplane.runtime.RuntimeConfig;
import dev.portcullis.dataplane.runtime.SnapshotFileWatcher;
import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * The training run for the JVM's ahead-of-time cache (JEP 483/514/515): a data plane on 127.0.0.1
 * serving a snapshot file, as {@code serve} does, with local pods behind it, driven by real clients
 * through the paths a pod serves all day (TLS handshakes new and resumed, HTTP/1.1 keep-alive,
 * HTTP/2, passthrough, plain HTTP, the admin probes, a second snapshot), a bounded number of times,
 * and a second data plane that pulls its first snapshot from a control plane, as a pod starts.
 * Run under {@code -XX:AOTCacheOutput=FILE} it leaves the classes it loaded, linked, and the method
 * profiles it gathered in FILE; a data plane started with {@code -XX:AOTCache=FILE} on the same
 * runtime and class path starts with them. The data plane image carries one, made at build time
 * without profiles (images/image-extras.sh, scale 0.3); bench row 11 measures both.
 *
 * <pre>java -XX:AOTCacheOutput=dataplane.aot -cp CLASSPATH dev.portcullis.dataplane.aot.AotTraining [SCALE]</pre>
 *
 * SCALE (default 1) multiplies the request counts. Exit code 0 when every request was answered.
 */
public final class AotTraining {

    private static final Logger LOG = LoggerFactory.getLogger(AotTraining.class);

    /** How many of each: enough for the JIT to profile and compile the hot paths, few enough for a build. */
    public record Workload(int http1, int http2, int newHandshakes, int resumedHandshakes, int passthrough, int plain) {
        public static Workload scaled(double scale) {
            return new Workload((int) (6_000 * scale), (int) (3_000 * scale), (int) (100 * scale),
                    (int) (100 * scale), (int) (60 * scale), (int) (50 * scale));
        }
    }

    private AotTraining() {
    }

    public static void main(String[] args) {
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1;
        int status = 0;
        Path work = null;
        try {
            work = Files.createTempDirectory("portcullis-aot-training");
            run(Workload.scaled(scale), work);
        } catch (Exception e) {
            LOG.error("AOT training failed", e);
            status = 1;
        } finally {
            deleteQuietly(work); // it holds the training's private keys
        }
        System.exit(status);
    }

    private static void deleteQuietly(Path directory) {
        if (directory == null) {
            return;
        }
        try (var paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete the training's directory {}: {}", directory, e.toString());
        }
    }

    /** Runs the workload against a data plane started here, then stops it; throws at the first failed request. */
    public static Duration run(Workload workload, Path work) throws Exception {
        long start = System.nanoTime();
        IssuedCertificate certificate = CertificateAuthority.selfSigned(TrainingSnapshots.HOST,
                List.of(TrainingSnapshots.HOST, TrainingSnapshots.PASSTHROUGH_HOST, "127.0.0.1"));
        SSLContext tls = context(certificate);
        Path snapshot = work.resolve("snapshot.json");
        // A pod's start parses its command line first. picocli's own classes are Java 5 class files, which
        // Java 25 cannot keep in a cache once linked, but what it uses of the JDK (reflection, annotation
        // parsing) and the command classes' own can be.
        DataPlaneCommand.commandLine().parseArgs("serve", "--snapshot", snapshot.toString(), "--bind", "127.0.0.1",
                "--http-port", "0", "--https-port", "0", "--admin-port", "0");
        RuntimeCheck.logAtStart("data plane (AOT training)");
        try (TrainingPods pods = new TrainingPods(tls);
             DataPlaneServer server = DataPlaneServer.start(DataPlaneServer.Listen.loopbackEphemeral())) {
            Files.writeString(snapshot, TrainingSnapshots.json(1, certificate, pods.plainPort(), pods.tlsPort()));
            try (SnapshotFileWatcher ignored = SnapshotFileWatcher.start(snapshot, server.config(), Duration.ofSeconds(1))) {
                requireVersion(server, 1);
                TrainingClients clients = new TrainingClients(tls, context(certificate), server.httpsAddress());
                phase("new TLS handshakes", () -> clients.handshakes(workload.newHandshakes(), false));
                phase("resumed TLS handshakes", () -> clients.handshakes(workload.resumedHandshakes(), true));
                phase("HTTP/1.1 keep-alive", () -> clients.http1(workload.http1(), 8));
                phase("HTTP/2", () -> clients.http2(workload.http2(), 50));
                phase("passthrough", () -> clients.passthrough(workload.passthrough()));
                phase("plain HTTP and admin", () -> clients.plainAndAdmin(server.httpAddress(), server.adminAddress(),
                        workload.plain()));
                phase("snapshot version 2", () -> server.config().apply(SnapshotCodec.fromJson(
                        TrainingSnapshots.json(2, certificate, pods.plainPort(), pods.tlsPort()).getBytes(StandardCharsets.UTF_8))));
                requireVersion(server, 2);
                phase("HTTP/1.1 keep-alive after the change", () -> clients.http1(workload.http1() / 10, 8));
            }
            phase("a pod's start: the whole snapshot from a control plane", () ->
                    fromControlPlane(certificate, pods, work.resolve("client-certificates")));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        LOG.info("AOT training done in {} ms: {}", took.toMillis(), workload);
        return took;
    }

    private interface Phase {
        void run() throws Exception;
    }

    private static void phase(String name, Phase phase) throws Exception {
        long start = System.nanoTime();
        phase.run();
        LOG.info("AOT training: {} in {} ms", name, (System.nanoTime() - start) / 1_000_000);
    }

    private static void requireVersion(DataPlaneServer server, long version) {
        RuntimeConfig current = server.config().current();
        if (current == null || current.version() != version) {
            throw new IllegalStateException("the training snapshot version " + version + " was not applied");
        }
    }

    /**
     * A second data plane as a pod runs one ({@code serve --control-plane}): its client certificate
     * folder, and the first snapshot pulled over mutual TLS from a {@link TrainingControlPlane}.
     */
    private static void fromControlPlane(IssuedCertificate podCertificate, TrainingPods pods, Path clientCertificates)
            throws Exception {
        CertificateAuthority authority = CertificateAuthority.create("portcullis training channel CA", KeyType.EC_P256);
        IssuedCertificate operator = authority.issueServer(List.of("127.0.0.1"), KeyType.EC_P256);
        Instant now = Instant.now();
        IssuedCertificate dataPlane = authority.issue(List.of("data-plane.training"), KeyType.EC_P256,
                now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), KeyPurposeId.id_kp_clientAuth);
        Files.createDirectories(clientCertificates);
        Files.writeString(clientCertificates.resolve("tls.crt"), dataPlane.chainPem());
        Files.writeString(clientCertificates.resolve("tls.key"), dataPlane.privateKeyPem());
        Files.writeString(clientCertificates.resolve("ca.crt"), authority.certificatePem());
        int version = 3;
        try (TrainingControlPlane channel = new TrainingControlPlane(context(operator, authority.certificate()), version,
                TrainingSnapshots.json(version, podCertificate, pods.plainPort(), pods.tlsPort()));
             DataPlaneServer server = DataPlaneServer.start(DataPlaneServer.Listen.loopbackEphemeral());
             ControlPlaneClient ignored = ControlPlaneClient.start(channel.uri(), clientCertificates, server.config())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (server.config().current() == null && System.nanoTime() < deadline) {
                Thread.sleep(5); // LiveConfig tells no one of an apply: its version is what there is to watch
            }
            requireVersion(server, version);
        }
    }

    /** Trusts only the training certificate, and presents it (the TLS pod's side). */
    private static SSLContext context(IssuedCertificate certificate) throws Exception {
        return context(certificate, certificate.leaf());
    }

    private static SSLContext context(IssuedCertificate presented, X509Certificate trusted) throws Exception {
        char[] password = "training".toCharArray();
        KeyStore store = KeyStore.getInstance("JKS");
        store.load(null, null);
        store.setKeyEntry("training", presented.privateKey(), password, presented.chain().toArray(Certificate[]::new));
        store.setCertificateEntry("trusted", trusted);
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }
}
