package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param listener           listener-wide TLS settings (left out of the JSON when they are the defaults)
 * @param sessionTicketKeys  TLS session ticket keys shared by every data plane of the stream, newest first: the
 *                           first seals new tickets, all of them open tickets; empty (and left out of the JSON)
 *                           means each data plane keeps tickets to itself, as BoringSSL does by default
 */
public record Snapshot(
        @JsonProperty(required = true) long version,
        List<VirtualHost> virtualHosts,
        List<Cluster> clusters,
        List<TlsCertificate> certificates,
        String defaultCertificate,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = ListenerSettings.OmitDefaults.class)
        ListenerSettings listener,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<SessionTicketKey> sessionTicketKeys) {

    /** The most keys a snapshot carries: the one that seals and those still opening older tickets. */
    public static final int MAX_SESSION_TICKET_KEYS = 8;

    public Snapshot {
        virtualHosts = Lists.copyOrEmpty(virtualHosts);
        clusters = Lists.copyOrEmpty(clusters);
        certificates = Lists.copyOrEmpty(certificates);
        listener = listener == null ? ListenerSettings.DEFAULTS : listener;
        sessionTicketKeys = Lists.copyOrEmpty(sessionTicketKeys);
    }

    /** A snapshot without shared session ticket keys. */
    public Snapshot(long version, List<VirtualHost> virtualHosts, List<Cluster> clusters, List<TlsCertificate> certificates,
                    String defaultCertificate, ListenerSettings listener) {
        this(version, virtualHosts, clusters, certificates, defaultCertificate, listener, List.of());
    }

    /** A snapshot with the default listener settings. */
    public Snapshot(long version, List<VirtualHost> virtualHosts, List<Cluster> clusters, List<TlsCertificate> certificates,
                    String defaultCertificate) {
        this(version, virtualHosts, clusters, certificates, defaultCertificate, ListenerSettings.DEFAULTS);
    }

    /** The same content under another version. */
    public Snapshot withVersion(long newVersion) {
        return new Snapshot(newVersion, virtualHosts, clusters, certificates, defaultCertificate, listener, sessionTicketKeys);
    }

    /** The same content with other listener settings. */
    public Snapshot withListener(ListenerSettings replacement) {
        return new Snapshot(version, virtualHosts, clusters, certificates, defaultCertificate, replacement, sessionTicketKeys);
    }

    /** Every problem in this snapshot, not only the first; empty when it is sound. */
    public List<String> validate() {
        return SnapshotValidator.problems(this);
    }
}
