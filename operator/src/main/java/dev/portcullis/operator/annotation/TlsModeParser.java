package dev.portcullis.operator.annotation;

/** {@code portcullis.dev/tls-mode}: {@code terminate}, {@code passthrough} or {@code reencrypt}. */
public final class TlsModeParser implements AnnotationParser<TlsModeAnnotation> {

    @Override
    public String name() {
        return PREFIX + "tls-mode";
    }

    @Override
    public String accepted() {
        return "terminate, passthrough or reencrypt";
    }

    @Override
    public TlsModeAnnotation parse(String value) {
        return switch (value) {
            case "terminate" -> TlsModeAnnotation.TERMINATE;
            case "passthrough" -> TlsModeAnnotation.PASSTHROUGH;
            case "reencrypt" -> TlsModeAnnotation.REENCRYPT;
            default -> throw invalid(value);
        };
    }
}
