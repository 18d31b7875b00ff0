package dev.portcullis.dataplane.tls;

/** A certificate or key that cannot be served; the message never contains key material. */
public class InvalidCertificateException extends RuntimeException {
    public InvalidCertificateException(String message) {
        super(message);
    }

    /** The cause is kept for debugging; its message is not repeated here, as a parser may quote its input. */
    public InvalidCertificateException(String message, Throwable cause) {
        super(message, cause);
    }
}
