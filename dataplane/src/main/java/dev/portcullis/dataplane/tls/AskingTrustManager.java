package dev.portcullis.dataplane.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * The trust manager of a host with client-certificate authentication: the handshake asks for a
 * certificate (naming the host's CAs) and accepts whatever comes, so that the verdict, made by
 * {@link ClientCertificateVerifier} once the handshake is done, can be answered as ingress-nginx
 * does (a 400 page, or the result passed to the pod) instead of a bare TLS alert. The client still
 * proves it holds the certificate's key (TLS's CertificateVerify), which the TLS library checks.
 */
final class AskingTrustManager extends X509ExtendedTrustManager {

    private final X509Certificate[] acceptedIssuers;

    AskingTrustManager(X509Certificate[] acceptedIssuers) {
        this.acceptedIssuers = acceptedIssuers.clone();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a server's trust manager checks no servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a server's trust manager checks no servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a server's trust manager checks no servers");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return acceptedIssuers.clone();
    }
}
