package dev.portcullis.operator.ocsp;

/** An OCSP response that cannot be fetched or is not to be stapled; the message says why, for a Warning. */
public final class OcspException extends Exception {

    public OcspException(String message) {
        super(message);
    }
}
