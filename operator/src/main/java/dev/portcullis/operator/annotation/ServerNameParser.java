package dev.portcullis.operator.annotation;

import dev.portcullis.dataplane.config.DnsNames;

/** {@code portcullis.dev/backend-server-name}: the DNS name sent as SNI to pods and verified. */
public final class ServerNameParser implements AnnotationParser<String> {

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
        if (!DnsNames.isName(value)) {
            throw invalid(value);
        }
        return value;
    }
}
