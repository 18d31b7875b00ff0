package dev.portcullis.dataplane.config;

/** A snapshot that cannot be read or cannot be served; the message says why. */
public class InvalidSnapshotException extends RuntimeException {
    public InvalidSnapshotException(String message) {
        super(message);
    }

    public InvalidSnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
