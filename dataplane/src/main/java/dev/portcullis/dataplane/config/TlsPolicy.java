package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.ArrayList;
import java.util.List;

/**
 * How the TLS listener handshakes for one host, where it differs from the listener's defaults
 * ({@link ListenerSettings}). Each field left {@code null} takes the listener's value.
 *
 * @param minTlsVersion "1.2" (1.2 and 1.3) or "1.3"
 * @param ciphers       the TLS 1.2 suites offered, by IANA name, in the server's order of preference
 *                      (TLS 1.3 suites are always all offered)
 * @param clientAuth    client certificates asked for and checked, or {@code null} for none
 */
public record TlsPolicy(String minTlsVersion, List<String> ciphers, ClientAuth clientAuth) {

    public TlsPolicy {
        ciphers = ciphers == null ? null : List.copyOf(ciphers);
    }

    /** Whether this policy changes nothing of the listener's. */
    @JsonIgnore
    public boolean isDefault() {
        return minTlsVersion == null && ciphers == null && clientAuth == null;
    }

    /** What is wrong with it, one message per problem. */
    @JsonIgnore
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (minTlsVersion != null && !minTlsVersion.equals("1.2") && !minTlsVersion.equals("1.3")) {
            problems.add("minTlsVersion \"" + minTlsVersion + "\" is not 1.2 or 1.3");
        }
        if (ciphers != null) {
            if (ciphers.isEmpty()) {
                problems.add("ciphers is empty");
            }
            ciphers.stream().filter(name -> !TlsCipherSuites.isTls12(name))
                    .forEach(name -> problems.add("cipher \"" + name + "\" is not a TLS 1.2 suite Portcullis offers"));
        }
        if (clientAuth != null) {
            problems.addAll(clientAuth.problems());
        }
        return problems;
    }
}
