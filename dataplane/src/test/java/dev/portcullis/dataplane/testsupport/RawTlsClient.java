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
