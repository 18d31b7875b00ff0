package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.metrics.DataPlaneMetrics.CertificateExpiry;

import java.util.List;
import java.util.Set;

/**
 * What a configuration compiled from a delta changed against the one served before it, for the
 * bookkeeping after the swap (endpoint health, cached TLS contexts, expiry gauges), so that it too
 * takes time proportional to the change.
 *
 * @param clusters names of the clusters added, rebuilt or removed
 * @param tables   what the per-host tables changed
 */
public record ConfigChanges(Set<String> clusters, Tables tables) {

    /**
     * @param expiriesGone   expiry rows no longer served (a row served again is in both lists)
     * @param expiriesAdded  expiry rows added or served again
     * @param contentKeyGone whether a certificate content key stopped being served anywhere
     */
    public record Tables(List<CertificateExpiry> expiriesGone, List<CertificateExpiry> expiriesAdded,
                         boolean contentKeyGone) {
    }
}
