package dev.portcullis.operator.annotation;

/** The values of {@code portcullis.dev/affinity}. */
public enum AffinityAnnotation {
    NONE, COOKIE, CLIENT_IP
}
