package dev.portcullis.operator.annotation;

/** An annotation value that is not one of the accepted ones; the message names both. */
public class InvalidAnnotationException extends RuntimeException {
    public InvalidAnnotationException(String message) {
        super(message);
    }
}
