package dev.portcullis.operator.translate;

import java.time.Instant;

/**
 * What the phases of one translation share: the cluster they read, the clock, one problem sink,
 * one host table, and the clusters and certificates they collect.
 */
final class TranslationContext {

    final ClusterState state;
    final Instant now;
    final Problems problems = new Problems();
    final HostTable hosts = new HostTable(problems);
    final BackendResolver backends;
    final TlsSecretValidator secrets;
    final OcspStaples staples;
    final IngressSettingsMemo settingsMemo;
    /** Who put each cluster and certificate in the snapshot. */
    final Attribution attribution = new Attribution();
    /** When the answers that depend on {@link #now} could next change. */
    final TimeBoundary timeBoundary;

    TranslationContext(ClusterState state, Instant now, ParsedSecrets parsedSecrets) {
        this(state, now, parsedSecrets, OcspStaples.NONE);
    }

    TranslationContext(ClusterState state, Instant now, ParsedSecrets parsedSecrets, OcspStaples staples) {
        this.staples = staples;
        this.state = state;
        this.now = now;
        this.timeBoundary = new TimeBoundary(now);
        this.backends = new BackendResolver(state, problems, parsedSecrets.sliceEndpointsMemo(), attribution);
        this.secrets = new TlsSecretValidator(state, now, problems, parsedSecrets, attribution, timeBoundary);
        this.settingsMemo = parsedSecrets.settingsMemo();
    }
}
