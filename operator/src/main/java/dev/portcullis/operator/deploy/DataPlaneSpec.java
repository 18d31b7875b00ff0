package dev.portcullis.operator.deploy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;

import java.util.List;
import java.util.Map;

/** What a DataPlane should be. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DataPlaneSpec {

    @JsonPropertyDescription("Number of data plane pods.")
    @PrinterColumn(name = "Replicas")
    @Default("2")
    @Min(0)
    @Max(1000)
    public Integer replicas = 2;

    @JsonPropertyDescription("Container image of the data plane: repository:tag, repository@digest or both.")
    public String image;

    @JsonPropertyDescription("When the kubelet pulls the image: Always, IfNotPresent (the default for a tag) or Never.")
    @io.fabric8.generator.annotation.Pattern("^(Always|IfNotPresent|Never)$")
    public String imagePullPolicy;

    @JsonPropertyDescription("Secrets with credentials for a private registry.")
    public List<io.fabric8.kubernetes.api.model.LocalObjectReference> imagePullSecrets;

    @JsonPropertyDescription("The IngressClass whose Ingresses this data plane serves.")
    @Default("portcullis")
    public String ingressClassName = "portcullis";

    @JsonPropertyDescription("The Service in front of the pods.")
    public ServiceSpec service = new ServiceSpec();

    @JsonPropertyDescription("CPU and memory of each pod.")
    public ResourceRequirements resources;

    public Map<String, String> nodeSelector;

    public List<Toleration> tolerations;

    public Affinity affinity;

    public List<TopologySpreadConstraint> topologySpreadConstraints;

    @JsonPropertyDescription("The PodDisruptionBudget that keeps pods up during node drains.")
    public DisruptionBudget podDisruptionBudget = new DisruptionBudget();

    @JsonPropertyDescription("TLS defaults for every host.")
    public TlsDefaults tls = new TlsDefaults();

    @JsonPropertyDescription("Deadlines and connection caps of the data planes' listeners; unset fields keep their defaults.")
    public Limits limits;

    @JsonPropertyDescription("Where the real client address comes from when a load balancer or proxy stands in front.")
    public ClientAddress clientAddress;

    @JsonPropertyDescription("The access log: one line per request and per passthrough connection, to standard output.")
    public AccessLog accessLog;

    @JsonPropertyDescription("How a data plane pod stops: ready turns false at once, listeners close after delaySeconds,"
            + " what is in flight has until timeoutSeconds. The pod's terminationGracePeriodSeconds is timeoutSeconds + 5.")
    public Drain drain;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ClientAddress {
        @JsonPropertyDescription("CIDR ranges of load balancers that start every connection with a PROXY protocol"
                + " header (v1 or v2); its source address is the client's. Connections from elsewhere never are read for one.")
        public List<String> proxyProtocolFrom;

        @JsonPropertyDescription("CIDR ranges of proxies whose X-Forwarded-For is believed: the client is its rightmost"
                + " address outside these ranges. From anyone else X-Forwarded-For is appended to, never believed.")
        public List<String> trustForwardedForFrom;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class AccessLog {
        @JsonPropertyDescription("Whether requests are logged. Default true.")
        public Boolean enabled;

        @JsonPropertyDescription("json (one object per line, the default) or text (the same fields, space-separated).")
        public String format;

        @JsonPropertyDescription("The share of requests logged, 0 to 1 (default 1); responses of 500 and above are always logged.")
        @Min(0)
        @Max(1)
        public Double sampleRatio;

        @JsonPropertyDescription("Whether paths are logged with their query strings. Default false: queries often carry tokens.")
        public Boolean includeQuery;
    }

    /** The drain the snapshot carries and the Deployment's grace period is made from; unset fields keep the defaults. */
    public static dev.portcullis.dataplane.config.DrainSettings drainSettings(Drain spec) {
        var defaults = dev.portcullis.dataplane.config.DrainSettings.DEFAULT;
        if (spec == null) {
            return defaults;
        }
        long timeout = spec.timeoutSeconds == null || spec.timeoutSeconds < 1 ? defaults.timeoutMillis() : spec.timeoutSeconds * 1000L;
        long delay = spec.delaySeconds == null || spec.delaySeconds < 0 ? defaults.delayMillis() : spec.delaySeconds * 1000L;
        return new dev.portcullis.dataplane.config.DrainSettings(Math.min(delay, timeout), timeout);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Drain {
        @JsonPropertyDescription("Seconds between the stop signal and the listeners closing, for load balancers to"
                + " see the pod not ready. Default 5.")
        @Min(0)
        public Integer delaySeconds;

        @JsonPropertyDescription("Seconds from the stop signal that requests and tunnels in flight have to finish. Default 30.")
        @Min(1)
        public Integer timeoutSeconds;
    }

    /** Deadlines and caps (see the README's "Limits and timeouts"); changing one swaps a snapshot, restarts nothing. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Limits {
        @JsonPropertyDescription("Seconds for a whole request head, then 408 and close. Default 10.")
        @Min(1)
        public Integer requestHeadTimeoutSeconds;

        @JsonPropertyDescription("Seconds a connection may sit between requests (HTTP/2: without streams) before it is closed. "
                + "Default 60.")
        @Min(1)
        public Integer keepAliveTimeoutSeconds;

        @JsonPropertyDescription("Longest silence inside a request or response body, in seconds. Default 60.")
        @Min(1)
        public Integer bodyIdleTimeoutSeconds;

        @JsonPropertyDescription("Seconds an endpoint may take to start its response once it has the whole request, "
                + "then 504. Default 60.")
        @Min(1)
        public Integer responseStartTimeoutSeconds;

        @JsonPropertyDescription("Seconds a client may leave a response unread before it is cut. Default 60.")
        @Min(1)
        public Integer writeStallTimeoutSeconds;

        @JsonPropertyDescription("Seconds for a TLS client's ClientHello, and again for the rest of its handshake. Default 10.")
        @Min(1)
        public Integer tlsHandshakeTimeoutSeconds;

        @JsonPropertyDescription("Open client connections per listener; at the cap the listener stops accepting until some close. "
                + "Default: a quarter of the pod's file descriptors.")
        @Min(1)
        public Integer maxConnections;

        @JsonPropertyDescription("Open connections per client address; more are closed at once. Default 1024.")
        @Min(1)
        public Integer maxConnectionsPerClient;

        @JsonPropertyDescription("Longest request line in bytes; longer gets 414. Default 8192.")
        @Min(256)
        public Integer maxRequestLineBytes;

        @JsonPropertyDescription("Most bytes of a request's header fields; more gets 431. Default 32768.")
        @Min(1024)
        public Integer maxHeaderBytes;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ServiceSpec {
        @JsonPropertyDescription("LoadBalancer, NodePort or ClusterIP.")
        @Default("LoadBalancer")
        public String type = "LoadBalancer";

        public Map<String, String> annotations;

        @JsonPropertyDescription("Cluster or Local (Local keeps client addresses).")
        public String externalTrafficPolicy;

        @Default("80")
        @Min(1)
        @Max(65535)
        public Integer httpPort = 80;

        @Default("443")
        @Min(1)
        @Max(65535)
        public Integer httpsPort = 443;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class DisruptionBudget {
        @Default("true")
        public Boolean enabled = true;

        @JsonPropertyDescription("Pods that must stay up (default 1); mutually exclusive with maxUnavailable.")
        public String minAvailable;

        public String maxUnavailable;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class TlsDefaults {
        @JsonPropertyDescription("Lowest TLS version offered: 1.2 or 1.3.")
        @Default("1.2")
        public String minVersion = "1.2";

        @JsonPropertyDescription("A kubernetes.io/tls Secret in this namespace shown to clients whose SNI names no host.")
        public String defaultCertificateSecret;

        @JsonPropertyDescription("TLS 1.2 suites offered by hosts that set none (portcullis.dev/ciphers), by OpenSSL name,"
                + " separated by ':'. Unset: Mozilla's intermediate profile (ECDHE with AES-GCM or ChaCha20-Poly1305).")
        public String ciphers;

        @JsonPropertyDescription("Strict-Transport-Security of HTTPS responses of hosts that set none (portcullis.dev/hsts):"
                + " 'off', or e.g. 'max-age=31536000; includeSubDomains'. Unset: max-age=31536000; includeSubDomains.")
        public String hsts;
    }
}
