package dev.portcullis.dataplane.testsupport;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * One HTTP/1.1 request over a JDK SSLSocket to 127.0.0.1 with a chosen SNI name, optionally through
 * an already connected socket (a slow forwarder); shows the local port and the peer certificate.
 */
public final class RawTlsClient {
    private RawTlsClient() {
    }

    public record Response(String text, int localPort, X509Certificate peer) {
    }

    /**
     * The leaf certificate 127.0.0.1:{@code port} presents in a TLS handshake for this SNI name,
     * trusting anything: for tests that look at which certificate is served, not whether it verifies.
     * A new client context each time, so no session is resumed (a resumed session shows the
     * certificate of the handshake that made it, whatever is served now).
     */
    public static X509Certificate servedCertificate(int port, String serverName) throws IOException {
        try (SSLSocket socket = (SSLSocket) trustAnything().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    private static SSLContext trustAnything() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new javax.net.ssl.TrustManager[]{new javax.net.ssl.X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Response get(SSLContext context, int port, String serverName, String path) throws IOException {
        return get(context, new Socket(InetAddress.getLoopbackAddress(), port), serverName, path);
    }

    public static Response get(SSLContext context, Socket connected, String serverName, String path) throws IOException {
        int localPort = connected.getLocalPort();
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
                .createSocket(connected, serverName, connected.getPort(), true)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + serverName + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            X509Certificate peer = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            return new Response(text, localPort, peer);
        }
    }
}
