package dev.portcullis.operator.annotation;

/** The values of {@code portcullis.dev/tls-mode}. */
public enum TlsModeAnnotation {
    TERMINATE, PASSTHROUGH, REENCRYPT
}
