package dev.portcullis.operator.annotation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The registry of {@code portcullis.dev/} annotations, and what one Ingress's annotations say.
 * Invalid values and unknown names are reported, never silently defaulted or ignored.
 */
public final class IngressAnnotations {

    public static final TlsModeParser TLS_MODE = new TlsModeParser();
    public static final SslRedirectParser SSL_REDIRECT = new SslRedirectParser();

    private static final Map<String, AnnotationParser<?>> REGISTRY = registry(TLS_MODE, SSL_REDIRECT);

    private final Map<AnnotationParser<?>, Object> values;
    private final List<String> invalid;
    private final List<String> unknown;

    private IngressAnnotations(Map<AnnotationParser<?>, Object> values, List<String> invalid, List<String> unknown) {
        this.values = values;
        this.invalid = invalid;
        this.unknown = unknown;
    }

    public static IngressAnnotations read(Map<String, String> annotations) {
        Map<AnnotationParser<?>, Object> values = new LinkedHashMap<>();
        List<String> invalid = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        new TreeMap<>(annotations == null ? Map.<String, String>of() : annotations).forEach((name, value) -> {
            if (!name.startsWith(AnnotationParser.PREFIX)) {
                return;
            }
            AnnotationParser<?> parser = REGISTRY.get(name);
            if (parser == null) {
                unknown.add(name);
                return;
            }
            try {
                values.put(parser, parser.parse(value == null ? "" : value.trim()));
            } catch (InvalidAnnotationException e) {
                invalid.add(e.getMessage());
            }
        });
        return new IngressAnnotations(values, List.copyOf(invalid), List.copyOf(unknown));
    }

    /** The annotation's value when it is present and valid. */
    @SuppressWarnings("unchecked")
    public <T> Optional<T> get(AnnotationParser<T> parser) {
        return Optional.ofNullable((T) values.get(parser));
    }

    /** One message per invalid value, naming the annotation and the accepted values. */
    public List<String> invalid() {
        return invalid;
    }

    public List<String> unknown() {
        return unknown;
    }

    public static List<String> knownNames() {
        return List.copyOf(REGISTRY.keySet());
    }

    private static Map<String, AnnotationParser<?>> registry(AnnotationParser<?>... parsers) {
        java.util.SortedMap<String, AnnotationParser<?>> byName = new TreeMap<>();
        for (AnnotationParser<?> parser : parsers) {
            byName.put(parser.name(), parser);
        }
        return java.util.Collections.unmodifiableSortedMap(byName);
    }
}
