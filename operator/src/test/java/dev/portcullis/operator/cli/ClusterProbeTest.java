package dev.portcullis.operator.cli;

import com.sun.net.httpserver.HttpServer;
import dev.portcullis.dataplane.cli.Cli;
import dev.portcullis.dataplane.testsupport.FreePorts;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code run}'s check for a cluster before the operator starts, with the kubeconfig named by the
 * {@code kubeconfig} system property (which fabric8 reads before KUBECONFIG). The cases without any
 * kubeconfig run as real processes in the e2e module's JarCommandLineTest.
 */
class ClusterProbeTest {

    @TempDir
    Path directory;

    private KubernetesMockServer server;

    @AfterEach
    void cleanUp() {
        System.clearProperty("kubeconfig");
        if (server != null) {
            server.destroy();
        }
    }

    @Test
    void anApiServerThatAnswersIsTheCluster() throws Exception {
        server = new KubernetesMockServer(false);
        server.init();
        useKubeconfig("http://127.0.0.1:" + server.getPort());

        assertThat(ClusterProbe.reach().getMasterUrl()).isEqualTo("http://127.0.0.1:" + server.getPort() + "/");
    }

    @Test
    void anyHttpAnswerCountsAsACluster() throws Exception {
        HttpServer forbidding = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger asked = new AtomicInteger();
        forbidding.createContext("/version", exchange -> {
            asked.incrementAndGet();
            exchange.sendResponseHeaders(403, -1); // (on a 401 fabric8 asks again with a refreshed token)
            exchange.close();
        });
        forbidding.start();
        try {
            useKubeconfig("http://127.0.0.1:" + forbidding.getAddress().getPort());

            assertThat(ClusterProbe.reach().getRequestRetryBackoffLimit()).as("the operator's client retries as usual")
                    .isGreaterThan(0);
            assertThat(asked).as("asked once, without retries").hasValue(1);
        } finally {
            forbidding.stop(0);
        }
    }

    @Test
    void aRefusedConnectionIsOneLineNamingTheUrlAndTheKubeconfig() throws Exception {
        int nobody = FreePorts.next();
        Path kubeconfig = useKubeconfig("https://127.0.0.1:" + nobody);

        assertThatThrownBy(ClusterProbe::reach).isInstanceOf(Cli.Failure.class)
                .hasMessageContaining("found no Kubernetes cluster at https://127.0.0.1:" + nobody + "/")
                .hasMessageContaining(kubeconfig.toString())
                .hasMessageContaining("connection refused")
                .hasMessageNotContaining("\n");
    }

    @Test
    void anUnreadableKubeconfigIsOneLine() throws Exception {
        Path kubeconfig = Files.writeString(directory.resolve("kubeconfig"), "clusters: [this is not: yaml");
        System.setProperty("kubeconfig", kubeconfig.toString());

        assertThatThrownBy(ClusterProbe::reach).isInstanceOf(Cli.Failure.class)
                .hasMessageContaining(kubeconfig.toString())
                .hasMessageNotContaining("\n")
                .hasMessageNotContaining("Exception");
    }

    private Path useKubeconfig(String server) throws IOException {
        Path kubeconfig = Files.writeString(directory.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: test
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                users:
                - name: someone
                  user:
                    token: not-a-real-token
                contexts:
                - name: test
                  context: {cluster: test, user: someone}
                current-context: test
                """.formatted(server));
        System.setProperty("kubeconfig", kubeconfig.toString());
        return kubeconfig;
    }
}
