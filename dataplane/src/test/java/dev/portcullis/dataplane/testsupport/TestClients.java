package dev.portcullis.dataplane.testsupport;

import dev.portcullis.dataplane.tls.CertificateAuthority;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.http.HttpClient;
import java.security.KeyStore;
import java.time.Duration;

/** JDK HTTP clients for tests; test host names resolve to 127.0.0.1 through the test hosts file. */
public final class TestClients {
    private TestClients() {
    }

    /** An HTTP/1.1 client that trusts only the given CA (and verifies host names against it). */
    public static HttpClient trusting(CertificateAuthority ca) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(sslContextTrusting(ca))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    public static SSLContext sslContextTrusting(CertificateAuthority ca) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca.certificate());
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
