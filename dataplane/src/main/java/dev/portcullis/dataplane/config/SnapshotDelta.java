package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * What changed between two snapshots of one stream: the virtual hosts, clusters and certificates
 * added or replaced (whole, by name) and the names removed, from snapshot {@code base} to snapshot
 * {@code version}. The small listener-wide settings travel whole in every delta. On the wire it is
 * JSON of media type {@link #MEDIA_TYPE}; {@link SnapshotDiff} computes, applies and chains them.
 *
 * @param base                the version this delta applies to
 * @param version             the version it makes
 * @param virtualHosts        hosts added or replaced, by {@link VirtualHost#hostname()}
 * @param removedVirtualHosts host names no longer served
 * @param clusters            clusters added or replaced, by {@link Cluster#name()}
 * @param removedClusters     cluster names gone
 * @param certificates        certificates added or replaced, by {@link TlsCertificate#name()}
 * @param removedCertificates certificate names gone
 */
public record SnapshotDelta(
        @JsonProperty(required = true) long base,
        @JsonProperty(required = true) long version,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<VirtualHost> virtualHosts,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> removedVirtualHosts,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Cluster> clusters,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> removedClusters,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<TlsCertificate> certificates,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> removedCertificates,
        String defaultCertificate,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = ListenerSettings.OmitDefaults.class)
        ListenerSettings listener,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<SessionTicketKey> sessionTicketKeys) {

    /** The wire format, versioned: a data plane that cannot read this media type never asks for it. */
    public static final String MEDIA_TYPE = "application/vnd.portcullis.snapshot-delta.v1+json";

    public SnapshotDelta {
        virtualHosts = Lists.copyOrEmpty(virtualHosts);
        removedVirtualHosts = Lists.copyOrEmpty(removedVirtualHosts);
        clusters = Lists.copyOrEmpty(clusters);
        removedClusters = Lists.copyOrEmpty(removedClusters);
        certificates = Lists.copyOrEmpty(certificates);
        removedCertificates = Lists.copyOrEmpty(removedCertificates);
        listener = listener == null ? ListenerSettings.DEFAULTS : listener;
        sessionTicketKeys = Lists.copyOrEmpty(sessionTicketKeys);
    }

    /** How many hosts, clusters and certificates it adds, replaces or removes. */
    public int size() {
        return virtualHosts.size() + removedVirtualHosts.size() + clusters.size() + removedClusters.size()
                + certificates.size() + removedCertificates.size();
    }

    @Override
    public String toString() {
        return "SnapshotDelta[" + base + " -> " + version + ": " + virtualHosts.size() + " hosts, "
                + removedVirtualHosts.size() + " removed; " + clusters.size() + " clusters, " + removedClusters.size()
                + " removed; " + certificates.size() + " certificates, " + removedCertificates.size() + " removed]";
    }
}
