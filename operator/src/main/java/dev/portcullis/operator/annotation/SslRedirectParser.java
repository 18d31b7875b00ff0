package dev.portcullis.operator.annotation;

/** {@code portcullis.dev/ssl-redirect}: {@code "true"} or {@code "false"}. */
public final class SslRedirectParser implements AnnotationParser<Boolean> {

    @Override
    public String name() {
        return PREFIX + "ssl-redirect";
    }

    @Override
    public String accepted() {
        return "\"true\" or \"false\"";
    }

    @Override
    public Boolean parse(String value) {
        return switch (value) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw invalid(value);
        };
    }
}
