package dev.portcullis.dataplane.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The TLS 1.2 cipher suites Portcullis can offer (those BoringSSL implements with ephemeral key
 * exchange or, for old clients that need them, RSA key exchange and CBC), by IANA name, with the
 * OpenSSL names users write ({@code ECDHE-RSA-AES128-GCM-SHA256}, as nginx's {@code ssl_ciphers}).
 */
public final class TlsCipherSuites {

    /** OpenSSL name to IANA name. */
    private static final Map<String, String> TLS12 = new LinkedHashMap<>();

    static {
        TLS12.put("ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        TLS12.put("ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        TLS12.put("ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
        TLS12.put("ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
        TLS12.put("ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
        TLS12.put("ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
        TLS12.put("ECDHE-ECDSA-AES128-SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA");
        TLS12.put("ECDHE-RSA-AES128-SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
        TLS12.put("ECDHE-ECDSA-AES256-SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA");
        TLS12.put("ECDHE-RSA-AES256-SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA");
        TLS12.put("AES128-GCM-SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256");
        TLS12.put("AES256-GCM-SHA384", "TLS_RSA_WITH_AES_256_GCM_SHA384");
        TLS12.put("AES128-SHA", "TLS_RSA_WITH_AES_128_CBC_SHA");
        TLS12.put("AES256-SHA", "TLS_RSA_WITH_AES_256_CBC_SHA");
    }

    private TlsCipherSuites() {
    }

    /** The IANA name of a TLS 1.2 suite written by its OpenSSL (or IANA) name. */
    public static Optional<String> ianaName(String name) {
        if (TLS12.containsKey(name)) {
            return Optional.of(TLS12.get(name));
        }
        return TLS12.containsValue(name) ? Optional.of(name) : Optional.empty();
    }

    /** Whether an IANA name is one of the TLS 1.2 suites offered. */
    public static boolean isTls12(String ianaName) {
        return TLS12.containsValue(ianaName);
    }
}
