package dev.portcullis.dataplane.controlplane;

import dev.portcullis.dataplane.tls.InvalidCertificateException;
import dev.portcullis.dataplane.tls.KeyMaterial;
import dev.portcullis.dataplane.tls.PemParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The client certificate folder (a mounted Secret: {@code tls.crt}, {@code tls.key}, {@code ca.crt}),
 * read again whenever its content changes. The kubelet updates such a folder by swapping a
 * {@code ..data} symlink, which directory watches miss on some filesystems, so the caller asks
 * before each request: three small files and a digest. A new set that does not load keeps the last
 * good one and is warned about once. Not thread-safe: one caller, the channel's thread.
 */
final class ClientCertificates {

    private static final Logger LOG = LoggerFactory.getLogger(ClientCertificates.class);
    private static final List<String> FILES = List.of("tls.crt", "tls.key", "ca.crt");

    /** The folder's files as read, or why they could not be; {@code key} tells one set from another. */
    private record Content(List<String> pems, String key, String unreadable) {

        @Override
        public String toString() {
            return "Content[" + (unreadable != null ? unreadable : "sha256 " + key) + ", key redacted]";
        }
    }

    private final Path directory;
    private String loaded;
    private String rejected;
    private SSLContext context;
    private String presenting;

    private ClientCertificates(Path directory) {
        this.directory = directory;
    }

    /** Reads the folder, which must hold a usable set now. */
    static ClientCertificates load(Path directory) throws IOException {
        ClientCertificates certificates = new ClientCertificates(directory);
        try {
            certificates.use(certificates.read());
        } catch (InvalidCertificateException | GeneralSecurityException e) {
            throw new IOException("cannot use the client certificate in " + directory + ": " + reason(e), e);
        }
        return certificates;
    }

    SSLContext context() {
        return context;
    }

    /** The context for a new set of files, once; empty while they are unchanged or do not load. */
    Optional<SSLContext> reloadIfChanged() {
        Content content = read();
        if (content.key().equals(loaded) || content.key().equals(rejected)) {
            return Optional.empty();
        }
        try {
            use(content);
            LOG.info("client certificate in {} changed; new connections to the control plane present {}", directory,
                    presenting);
            return Optional.of(context);
        } catch (InvalidCertificateException | GeneralSecurityException e) {
            // Files read while the kubelet swapped the folder can mix two sets: retried on the next request.
            if (read().key().equals(content.key())) {
                rejected = content.key();
                LOG.warn("client certificate in {} changed but cannot be used ({}); still presenting {}", directory,
                        reason(e), presenting);
            }
            return Optional.empty();
        }
    }

    private void use(Content content) throws GeneralSecurityException {
        if (content.unreadable() != null) {
            throw new InvalidCertificateException(content.unreadable());
        }
        KeyMaterial client = PemParser.parse(content.pems().get(0), content.pems().get(1));
        List<X509Certificate> authorities = PemParser.certificates(content.pems().get(2));
        context = sslContext(client, authorities);
        loaded = content.key();
        rejected = null;
        X509Certificate leaf = client.leaf();
        presenting = "serial " + leaf.getSerialNumber().toString(16) + " (" + leaf.getSubjectX500Principal()
                + ", valid until " + leaf.getNotAfter().toInstant() + ")";
    }

    private Content read() {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            List<String> pems = new ArrayList<>();
            for (String file : FILES) {
                byte[] bytes = Files.readAllBytes(directory.resolve(file));
                sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).flip());
                sha256.update(bytes);
                pems.add(new String(bytes, StandardCharsets.UTF_8));
            }
            return new Content(pems, HexFormat.of().formatHex(sha256.digest()), null);
        } catch (IOException e) {
            String unreadable = "unreadable: " + e;
            return new Content(List.of(), unreadable, unreadable);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SSLContext sslContext(KeyMaterial client, List<X509Certificate> authorities)
            throws GeneralSecurityException {
        char[] password = new char[0];
        KeyStore keys = KeyStore.getInstance("PKCS12");
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try {
            keys.load(null, null);
            trusted.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot make an in-memory key store", e);
        }
        keys.setKeyEntry("client", client.privateKey(), password, client.chain().toArray(X509Certificate[]::new));
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, password);
        for (int i = 0; i < authorities.size(); i++) {
            trusted.setCertificateEntry("ca-" + i, authorities.get(i));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    /** PemParser's messages never quote key material; other exceptions' messages might, so only their type. */
    private static String reason(Exception e) {
        return e instanceof InvalidCertificateException ? e.getMessage() : e.getClass().getSimpleName();
    }

    @Override
    public String toString() {
        return "ClientCertificates[" + directory + ", presenting " + presenting + ", key redacted]";
    }
}
