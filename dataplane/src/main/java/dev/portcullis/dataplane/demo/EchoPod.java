package dev.portcullis.dataplane.demo;

import io.netty.handler.ssl.SslContextBuilder;

import java.io.File;
import java.util.concurrent.CountDownLatch;

/**
 * The echo backend as a pod of the tests' own echo image: plain HTTP on 8080 and, when a
 * certificate is mounted at {@code /etc/echo-tls} ({@code tls.crt}, {@code tls.key}), TLS on 8443.
 * It answers with its pod's name ({@code POD_NAME}, else {@code HOSTNAME}). Runs until killed.
 */
public final class EchoPod {

    private static final File TLS = new File(System.getenv().getOrDefault("ECHO_TLS_DIR", "/etc/echo-tls"));

    private EchoPod() {
    }

    public static void main(String[] args) throws Exception {
        String name = System.getenv().getOrDefault("POD_NAME", System.getenv().getOrDefault("HOSTNAME", "echo"));
        EchoBackend.start(name, "0.0.0.0", 8080);
        File certificate = new File(TLS, "tls.crt");
        if (certificate.exists()) {
            EchoBackend.start(name, "0.0.0.0", 8443,
                    SslContextBuilder.forServer(certificate, new File(TLS, "tls.key")).build(), false);
        }
        System.out.println("echo pod " + name + " listening on 8080" + (certificate.exists() ? " and TLS on 8443" : ""));
        new CountDownLatch(1).await();
    }
}
