package dev.portcullis.operator.annotation;

import dev.portcullis.dataplane.config.ClientAuth;
import dev.portcullis.dataplane.config.Hsts;
import dev.portcullis.dataplane.config.TlsCipherSuites;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The annotations of a host's TLS at the edge: client-certificate authentication (with
 * ingress-nginx's {@code auth-tls-*} as aliases), the lowest TLS version, the TLS 1.2 suites
 * ({@code ssl-ciphers}) and HSTS.
 */
public final class TlsPolicyAnnotations {

    /** ingress-nginx's auth-tls-verify-client value "off": no certificate is asked for. */
    public static final String CLIENT_AUTH_OFF = "off";

    private TlsPolicyAnnotations() {
    }

    static AnnotationParser<SecretRef> clientAuthSecret(String name) {
        return new SecretNameParser(name, "its ca.crt issued the client certificates accepted; an optional ca.crl revokes some");
    }

    static AnnotationParser<ClientAuth.Mode> clientAuth(String name) {
        return new ChoiceParser<>(name, ChoiceParser.choices("required", ClientAuth.Mode.REQUIRED,
                "optional", ClientAuth.Mode.OPTIONAL, "optional-no-ca", ClientAuth.Mode.OPTIONAL_NO_CA));
    }

    /** ingress-nginx's values; "off" reads as no setting, which its caller turns into no client authentication. */
    static AnnotationParser<String> nginxVerifyClient(String name) {
        return new ChoiceParser<>(name, ChoiceParser.choices("on", "required", "optional", "optional",
                "optional_no_ca", "optional-no-ca", "off", CLIENT_AUTH_OFF));
    }

    static AnnotationParser<Integer> depth(String name) {
        return new ReadingParser<>(name, "a whole number from 1 to " + ClientAuth.MAX_DEPTH
                + " (1: client certificates issued directly by a CA of the Secret)", value -> {
            if (value.isEmpty() || value.length() > 2 || !value.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("\"" + value + "\" is not a number");
            }
            int depth = Integer.parseInt(value);
            if (depth < 1 || depth > ClientAuth.MAX_DEPTH) {
                throw new IllegalArgumentException(depth + " is out of range");
            }
            return depth;
        });
    }

    static AnnotationParser<Boolean> flag(String name) {
        return new ChoiceParser<>(name, ChoiceParser.choices("true", true, "false", false));
    }

    static AnnotationParser<String> errorPage(String name) {
        return new TextParser(name, "an absolute http or https URL, visible ASCII without spaces",
                value -> PathAnnotations.validRedirect(value) && !value.contains("$"));
    }

    static AnnotationParser<String> minTlsVersion(String name) {
        return new ChoiceParser<>(name, ChoiceParser.choices("1.2", "1.2", "1.3", "1.3"));
    }

    static AnnotationParser<List<String>> ciphers(String name) {
        return new ReadingParser<>(name, "TLS 1.2 suites by their OpenSSL names, separated by \":\" (as nginx's"
                + " ssl_ciphers), e.g. ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256; TLS 1.3 suites are always"
                + " offered", TlsPolicyAnnotations::readCiphers);
    }

    static AnnotationParser<Hsts> hsts(String name) {
        return new ReadingParser<>(name, "\"off\", or a Strict-Transport-Security value: max-age=<seconds>, then"
                + " optionally includeSubDomains and preload, separated by \";\"", TlsPolicyAnnotations::readHsts);
    }

    public static List<String> readCiphers(String value) {
        List<String> suites = new ArrayList<>();
        for (String raw : value.split("[:,]", -1)) {
            String name = raw.trim();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("an empty suite name");
            }
            String iana = TlsCipherSuites.ianaName(name).orElseThrow(() -> new IllegalArgumentException("\"" + name
                    + "\" is not a TLS 1.2 suite Portcullis offers (cipher-string keywords such as HIGH or !aNULL are not read)"));
            if (!suites.contains(iana)) {
                suites.add(iana);
            }
        }
        return List.copyOf(suites);
    }

    public static Hsts readHsts(String value) {
        if (value.equalsIgnoreCase("off") || value.equalsIgnoreCase("false")) {
            return Hsts.OFF;
        }
        Long maxAge = null;
        boolean subdomains = false;
        boolean preload = false;
        for (String raw : value.split(";", -1)) {
            String directive = raw.trim();
            String lower = directive.toLowerCase(Locale.ROOT);
            if (lower.startsWith("max-age=")) {
                String seconds = directive.substring(8);
                if (seconds.isEmpty() || seconds.length() > 10 || !seconds.chars().allMatch(Character::isDigit)) {
                    throw new IllegalArgumentException("max-age \"" + seconds + "\" is not a number of seconds");
                }
                maxAge = Long.parseLong(seconds);
            } else if (lower.equals("includesubdomains")) {
                subdomains = true;
            } else if (lower.equals("preload")) {
                preload = true;
            } else {
                throw new IllegalArgumentException("\"" + directive + "\" is not max-age, includeSubDomains or preload");
            }
        }
        if (maxAge == null) {
            throw new IllegalArgumentException("max-age is missing");
        }
        return new Hsts(true, maxAge, subdomains, preload);
    }
}
