package dev.portcullis.operator.annotation;

import java.util.regex.Pattern;

/** {@code portcullis.dev/backend-server-name}: the DNS name sent as SNI to pods and verified. */
public final class ServerNameParser implements AnnotationParser<String> {

    private static final Pattern DNS_NAME = Pattern.compile(
            "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*");

    private final String name;

    public ServerNameParser(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String accepted() {
        return "a lowercase DNS name such as web.shop.svc";
    }

    @Override
    public String parse(String value) {
        if (value.length() > 253 || !DNS_NAME.matcher(value).matches()) {
            throw invalid(value);
        }
        return value;
    }
}
