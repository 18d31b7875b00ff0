package dev.portcullis.operator.cli;

import dev.portcullis.dataplane.cli.Cli;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Utils;

import javax.net.ssl.SSLException;
import java.io.File;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.Collection;

/**
 * Finds the cluster {@code run} would use, the way fabric8 (and kubectl) look for it, and asks its
 * API server for {@code /version} before the operator starts (once from a kubeconfig; in a pod with
 * about 30 s of retries): no cluster, or one that does not answer, is a {@link Cli.Failure} of one
 * line saying where it looked.
 * Any HTTP answer, even 401 or 403, counts as a cluster.
 */
final class ClusterProbe {

    private static final String IN_CLUSTER = "from the in-cluster service account";
    /** Back-off doubles from fabric8's 1 s: 1 + 2 + 4 + 8 + 16 s between five more attempts. */
    private static final int IN_POD_RETRIES = 5;

    private ClusterProbe() {
    }

    static Config reach() {
        Config config;
        try {
            config = Config.autoConfigure(null);
        } catch (RuntimeException e) {
            throw new Cli.Failure("cannot read the kubeconfig " + kubeconfigs() + ": " + plain(e));
        }
        String source = source(config);
        if (source == null) {
            throw new Cli.Failure("found no Kubernetes cluster: " + kubeconfigMissing()
                    + ", and there is no in-cluster service account (" + Config.KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH
                    + "); set KUBECONFIG, or run in a pod");
        }
        int retries = config.getRequestRetryBackoffLimit();
        // A user at a terminal wants the answer now; a pod on a node that is still programming the
        // kubernetes Service (or an API server under load) is better served by a short wait than
        // by a crash loop whose back-off grows: about 30 s of retries there.
        config.setRequestRetryBackoffLimit(source.equals(IN_CLUSTER) ? IN_POD_RETRIES : 0);
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            client.getKubernetesVersion();
        } catch (KubernetesClientException e) {
            if (e.getCode() <= 0) {
                throw noAnswer(config, source, e);
            }
        } catch (RuntimeException e) {
            throw noAnswer(config, source, e);
        } finally {
            config.setRequestRetryBackoffLimit(retries);
        }
        return config;
    }

    private static Cli.Failure noAnswer(Config config, String source, RuntimeException e) {
        return new Cli.Failure("found no Kubernetes cluster at " + config.getMasterUrl() + " (" + source + "): "
                + reason(e));
    }

    /** Where the configuration came from, or null when fabric8 found none and fell back to its default URL. */
    private static String source(Config config) {
        if (config.getFile() != null) {
            return "from " + (System.getenv("KUBECONFIG") != null ? "KUBECONFIG=" : "") + config.getFile();
        }
        if (serviceAccountToken().isFile()) {
            return IN_CLUSTER;
        }
        if (Utils.getSystemPropertyOrEnvVar(Config.KUBERNETES_MASTER_SYSTEM_PROPERTY) != null) {
            return "from KUBERNETES_MASTER";
        }
        return null;
    }

    private static File serviceAccountToken() {
        String configured = Utils.getSystemPropertyOrEnvVar(Config.KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN_FILE_SYSTEM_PROPERTY);
        return new File(configured != null ? configured : Config.KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH);
    }

    private static String kubeconfigMissing() {
        String files = kubeconfigs();
        boolean exists = Config.getKubeconfigFilenames().stream().anyMatch(name -> new File(name).isFile());
        String what = exists ? " names no cluster" : " does not exist";
        return System.getenv("KUBECONFIG") != null
                ? "KUBECONFIG=" + files + what
                : "KUBECONFIG is not set, " + files + what;
    }

    private static String kubeconfigs() {
        Collection<String> names = Config.getKubeconfigFilenames();
        return String.join(File.pathSeparator, names);
    }

    private static String reason(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
                return cause instanceof NoRouteToHostException ? "no route to host" : "connection refused";
            }
            if (cause instanceof UnknownHostException) {
                return "unknown host " + cause.getMessage();
            }
            if (cause instanceof HttpTimeoutException || cause instanceof SocketTimeoutException) {
                return "no answer in time";
            }
            if (cause instanceof SSLException) {
                return "TLS handshake failed (" + plain(cause) + ")";
            }
        }
        return plain(e);
    }

    /** The innermost message, without the exception class names Java puts in front of wrapped ones. */
    private static String plain(Throwable e) {
        Throwable innermost = e;
        while (innermost.getCause() != null && innermost.getCause() != innermost) {
            innermost = innermost.getCause();
        }
        String message = innermost.getMessage() != null ? innermost.getMessage() : e.getMessage();
        if (message == null) {
            return "cannot connect";
        }
        return message.replaceAll("\\b[\\w.$]+(Exception|Error):\\s*", "").strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
