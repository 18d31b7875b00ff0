package dev.portcullis.dataplane.tls;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import java.io.IOException;
import java.io.StringReader;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads PEM certificates and private keys (PKCS#8, PKCS#1 RSA and SEC1 EC) with BouncyCastle.
 * Error messages say what is wrong and never include key material.
 */
public final class PemParser {

    private static final JcaX509CertificateConverter CERTIFICATES = new JcaX509CertificateConverter();
    private static final JcaPEMKeyConverter KEYS = new JcaPEMKeyConverter();

    private PemParser() {
    }

    /**
     * Parses a chain and key and checks that the key can be served ({@link ServableKeys}) and belongs
     * to the first certificate.
     */
    public static KeyMaterial parse(String certificateChainPem, String privateKeyPem) {
        List<X509Certificate> chain = certificates(certificateChainPem);
        PrivateKey key = privateKey(privateKeyPem);
        ServableKeys.check(key);
        if (!KeyPairs.match(key, chain.getFirst().getPublicKey())) {
            throw new InvalidCertificateException("the private key does not belong to the first certificate of the chain ("
                    + chain.getFirst().getSubjectX500Principal() + ")");
        }
        return new KeyMaterial(key, chain);
    }

    public static List<X509Certificate> certificates(String pem) {
        List<X509Certificate> certificates = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(nonNull(pem)))) {
            Object object;
            while ((object = parser.readObject()) != null) {
                if (!(object instanceof X509CertificateHolder holder)) {
                    throw new InvalidCertificateException("the certificate PEM holds a " + kind(object) + " where a CERTIFICATE belongs");
                }
                certificates.add(CERTIFICATES.getCertificate(holder));
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw e instanceof InvalidCertificateException invalid ? invalid
                    : new InvalidCertificateException("the certificate PEM does not parse: " + e.getClass().getSimpleName());
        }
        if (certificates.isEmpty()) {
            throw new InvalidCertificateException("the certificate PEM holds no CERTIFICATE block");
        }
        return certificates;
    }

    public static PrivateKey privateKey(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(nonNull(pem)))) {
            Object object = parser.readObject();
            if (object == null) {
                throw new InvalidCertificateException("the key PEM holds no PRIVATE KEY block");
            }
            PrivateKey key = switch (object) {
                case PEMKeyPair pair -> KEYS.getPrivateKey(pair.getPrivateKeyInfo());
                case PrivateKeyInfo info -> KEYS.getPrivateKey(info);
                default -> throw new InvalidCertificateException(
                        "the key PEM holds a " + kind(object) + " where an unencrypted PRIVATE KEY belongs");
            };
            if (parser.readObject() != null) {
                throw new InvalidCertificateException("the key PEM holds more than one block");
            }
            return key;
        } catch (IOException | RuntimeException e) {
            // Never the exception's message: a parser may quote the input.
            throw e instanceof InvalidCertificateException invalid ? invalid
                    : new InvalidCertificateException("the private key PEM does not parse: " + e.getClass().getSimpleName(), e);
        }
    }

    private static String kind(Object object) {
        String simpleName = object.getClass().getSimpleName();
        return simpleName.startsWith("PEMEncrypted") || simpleName.startsWith("PKCS8Encrypted")
                ? "encrypted key (encrypted keys are not supported)" : simpleName;
    }

    private static String nonNull(String pem) {
        if (pem == null || pem.isBlank()) {
            throw new InvalidCertificateException("the PEM is empty");
        }
        return pem;
    }
}
