package dev.portcullis.dataplane.testsupport;

import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Option;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves an option's {@code defaultValue = "${env:NAME:-fallback}"} against a given environment
 * instead of the process's, so a test can show which variable feeds which option without starting a
 * process. Install with {@code CommandLine.setDefaultValueProvider}; picocli asks it before the annotation.
 */
public record EnvironmentDefaults(Map<String, String> environment) implements IDefaultValueProvider {

    private static final Pattern ENV = Pattern.compile("\\$\\{env:(\\w+)(?::-(.*))?}");

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (!(argSpec.userObject() instanceof Field field) || !field.isAnnotationPresent(Option.class)) {
            return null;
        }
        Matcher matcher = ENV.matcher(field.getAnnotation(Option.class).defaultValue());
        if (!matcher.matches()) {
            return null;
        }
        return environment.getOrDefault(matcher.group(1), matcher.group(2));
    }
}
