package dev.portcullis.dataplane.config;

/**
 * TLS from the proxy to a cluster's endpoints (re-encryption).
 *
 * @param serverName        the name sent as SNI and verified against the endpoint's certificate
 * @param trustedCaPem      CA certificates (PEM) that must have issued the endpoint's certificate;
 *                          {@code null} means the JDK's default trust store
 * @param verify            whether the chain and name are verified at all (off only on request)
 * @param clientCertificate the {@link TlsCertificate#name()} shown to endpoints that ask for one, or {@code null}
 */
public record UpstreamTls(String serverName, String trustedCaPem, boolean verify, String clientCertificate) {

    @Override
    public String toString() {
        return "UpstreamTls[serverName=" + serverName + ", trustedCa=" + (trustedCaPem == null ? "JDK default" : "PEM")
                + ", verify=" + verify + ", clientCertificate=" + clientCertificate + "]";
    }
}
