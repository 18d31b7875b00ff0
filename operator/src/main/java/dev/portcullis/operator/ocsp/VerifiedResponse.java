package dev.portcullis.operator.ocsp;

import java.time.Instant;

/**
 * An OCSP response checked for one certificate: what it says and for how long.
 *
 * @param der        the whole OCSPResponse, as stapled
 * @param nextUpdate when the responder will have newer information; null when it did not say
 * @param revokedAt  when the certificate was revoked, for a REVOKED answer
 */
public record VerifiedResponse(byte[] der, CertStatus status, Instant thisUpdate, Instant nextUpdate, Instant revokedAt) {

    public enum CertStatus { GOOD, REVOKED, UNKNOWN }
}
