package dev.portcullis.operator.annotation;

import java.util.regex.Pattern;

/** An annotation naming a Secret: a DNS-1123 name, optionally {@code namespace/} first. */
public final class SecretNameParser implements AnnotationParser<SecretRef> {

    /** As Kubernetes checks them: a namespace is a DNS-1123 label, a Secret's name a DNS-1123 subdomain. */
    private static final Pattern NAME = Pattern.compile(
            "([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?/)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private final String name;
    private final String purpose;

    public SecretNameParser(String name, String purpose) {
        this.name = name;
        this.purpose = purpose;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String accepted() {
        return "the name of a Secret in the Ingress's namespace (" + purpose + ")";
    }

    @Override
    public SecretRef parse(String value) {
        if (value.length() > 253 || !NAME.matcher(value).matches()) {
            throw invalid(value);
        }
        return SecretRef.parse(value);
    }
}
