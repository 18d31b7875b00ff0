package dev.portcullis.operator.translate;

import java.time.Instant;

/**
 * What the operator's OCSP stapler knows about one served certificate: its last good response
 * (checked) and whether the last fetch failed. An input of translation, like the clock: the
 * translation staples {@link #response()} while {@code now} is before {@link #nextUpdate()}, and
 * says what is wrong as a Warning.
 *
 * @param response   the last good DER OCSPResponse, base64; null when there is none (never fetched, or UNKNOWN)
 * @param status     what the last good response says, NONE without one
 * @param nextUpdate until when the response may be stapled (null without a response)
 * @param revokedAt  when the certificate was revoked, for REVOKED
 * @param failure    why the last fetch failed (or why its answer is not stapled); null when it succeeded
 * @param responder  the responder's URL, for messages
 */
public record OcspStaple(String response, Status status, Instant nextUpdate, Instant revokedAt, String failure,
                         String responder) {

    public enum Status { GOOD, REVOKED, UNKNOWN, NONE }

    /** Whether the response may be stapled at {@code now}. */
    public boolean usableAt(Instant now) {
        return response != null && nextUpdate != null && now.isBefore(nextUpdate);
    }

    @Override
    public String toString() {
        return "OcspStaple[status=" + status + ", response=" + (response == null ? "none" : response.length() + " chars")
                + ", nextUpdate=" + nextUpdate + ", failure=" + failure + "]";
    }
}
