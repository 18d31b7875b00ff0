package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.tls.ServerSslContexts.ServedCertificate;

/**
 * What one place (a host, or the default certificate) serves in a {@link RuntimeConfig}, and why:
 * what the next snapshot resolves a {@code keepServing} certificate against.
 *
 * @param name   the certificate's name in the snapshot that brought it (for a kept one, an earlier snapshot)
 * @param served its context and key material
 * @param origin why this place serves it
 */
public record ServedCertificateOf(String name, ServedCertificate served, Origin origin) {

    public enum Origin {
        /** A certificate of its own, from the snapshot. */
        OWN,
        /** The snapshot said keep serving: the certificate of its own it was served before (from an earlier snapshot). */
        KEPT,
        /** The host names no certificate: it follows the default certificate. */
        DEFAULT,
        /**
         * The snapshot said keep serving, but there was nothing of its own to keep (a data plane that
         * just started, or a host new to it): served the default certificate (for the default
         * certificate itself, the generated one).
         */
        NOTHING_TO_KEEP
    }

    /** A certificate of its own (from this snapshot or kept from an earlier one), not the default one. */
    public boolean own() {
        return origin == Origin.OWN || origin == Origin.KEPT;
    }
}
