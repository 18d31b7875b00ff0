package dev.portcullis.dataplane.config;

import java.util.List;

/**
 * A host name served by the proxy.
 *
 * @param hostname    an exact name ({@code app.example.com}), or {@code *.example.com} for any
 *                    single label in front of {@code example.com}
 * @param tlsMode     how TLS for this host is handled on the TLS listener
 * @param certificate the {@link TlsCertificate#name()} to present; {@code null} means the default
 * @param routes      path rules, in any order (matching order is defined by {@link PathMatch})
 */
public record VirtualHost(String hostname, TlsMode tlsMode, String certificate, List<Route> routes) {

    public VirtualHost {
        tlsMode = tlsMode == null ? TlsMode.TERMINATE : tlsMode;
        routes = Lists.copyOrEmpty(routes);
    }
}
