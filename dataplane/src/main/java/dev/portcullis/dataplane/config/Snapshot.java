package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * Everything one data plane serves, as one immutable value: the only contract between the
 * operator and the data plane. It speaks the proxy's language, never Kubernetes nouns.
 *
 * @param version            increases with every snapshot the control plane publishes
 * @param virtualHosts       hosts served, each with its routes
 * @param clusters           upstream endpoint sets that routes point at
 * @param certificates       certificates that virtual hosts name
 * @param defaultCertificate the certificate for clients whose SNI names no host; {@code null}
 *                           means the data plane generates a self-signed one at start
 */
public record Snapshot(
        @JsonProperty(required = true) long version,
        List<VirtualHost> virtualHosts,
        List<Cluster> clusters,
        List<TlsCertificate> certificates,
        String defaultCertificate) {

    public Snapshot {
        virtualHosts = Lists.copyOrEmpty(virtualHosts);
        clusters = Lists.copyOrEmpty(clusters);
        certificates = Lists.copyOrEmpty(certificates);
    }

    /** Every problem in this snapshot, not only the first; empty when it is sound. */
    public List<String> validate() {
        return SnapshotValidator.problems(this);
    }
}
