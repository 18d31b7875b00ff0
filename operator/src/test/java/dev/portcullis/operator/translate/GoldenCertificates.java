package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.testsupport.Processes;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.dataplane.tls.Pem;
import org.bouncycastle.asn1.x509.KeyPurposeId;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills the certificate placeholders of golden inputs with certificates made at test time, with
 * dates fixed around {@link #NOW} so that the outputs are stable:
 * {@code $CERT(names;flags)} and {@code $KEY(names;flags)} (PEM), {@code $CERT64}/{@code $KEY64}
 * (base64 for {@code data}), {@code $KEYTRAD} (PKCS#1 / SEC1 via openssl) and {@code $OTHERKEY}
 * (a key of another certificate), {@code $CA()} (the CA that issued them all) and {@code $CRL(names)} (a CRL
 * of that CA revoking the certificate made for those names). Names are space-separated; flags: {@code rsa}, {@code expired},
 * {@code notyet}, {@code expiring} (ten days and six hours left), {@code wrongchain} (the chain's second certificate is not the issuer), {@code namesakechain} (the second
 * certificate has the issuer's name, but another key).
 */
final class GoldenCertificates {

    static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$(CERT64|KEY64|CERT|KEYTRAD|KEY|OTHERKEY|CA|CRL)\\(([^)]*)\\)");
    private static final CertificateAuthority CA = CertificateAuthority.create("golden CA", KeyType.EC_P256);
    private static final CertificateAuthority OTHER_CA = CertificateAuthority.create("unrelated CA", KeyType.EC_P256);
    private static final CertificateAuthority NAMESAKE_CA = CertificateAuthority.create("golden CA", KeyType.EC_P256);
    private static final Map<String, IssuedCertificate> ISSUED = new HashMap<>();

    private GoldenCertificates() {
    }

    static synchronized String fill(String text) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String spec = matcher.group(2).trim();
            String value = switch (matcher.group(1)) {
                case "CERT" -> quoted(chainPem(spec));
                case "KEY" -> quoted(issued(spec).privateKeyPem());
                case "CERT64" -> base64(chainPem(spec));
                case "KEY64" -> base64(issued(spec).privateKeyPem());
                case "KEYTRAD" -> quoted(traditional(issued(spec).privateKeyPem()));
                case "OTHERKEY" -> quoted(issued(spec + ";other").privateKeyPem());
                case "CA" -> quoted(CA.certificatePem());
                case "CRL" -> quoted(crl(spec));
                default -> throw new IllegalArgumentException(matcher.group());
            };
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static String chainPem(String spec) {
        IssuedCertificate certificate = issued(spec);
        if (flags(spec).contains("wrongchain")) {
            return Pem.certificates(List.of(certificate.leaf(), OTHER_CA.certificate()));
        }
        if (flags(spec).contains("namesakechain")) {
            return Pem.certificates(List.of(certificate.leaf(), NAMESAKE_CA.certificate()));
        }
        return certificate.chainPem();
    }

    private static IssuedCertificate issued(String spec) {
        return ISSUED.computeIfAbsent(spec, key -> {
            List<String> flags = flags(spec);
            List<String> names = Arrays.asList(spec.split(";")[0].trim().split("\\s+"));
            Instant notBefore = Instant.parse("2026-01-01T00:00:00Z");
            Instant notAfter = Instant.parse("2027-01-01T00:00:00Z");
            if (flags.contains("expired")) {
                notBefore = Instant.parse("2025-01-01T00:00:00Z");
                notAfter = Instant.parse("2026-01-01T00:00:00Z");
            } else if (flags.contains("expiring")) {
                notAfter = NOW.plus(java.time.Duration.ofDays(10)).plus(java.time.Duration.ofHours(6));
            } else if (flags.contains("notyet")) {
                notBefore = Instant.parse("2026-09-01T00:00:00Z");
                notAfter = Instant.parse("2027-09-01T00:00:00Z");
            }
            return CA.issue(names, flags.contains("rsa") ? KeyType.RSA_2048 : KeyType.EC_P256, notBefore, notAfter,
                    KeyPurposeId.id_kp_serverAuth);
        });
    }

    private static String crl(String spec) {
        try {
            org.bouncycastle.cert.X509v2CRLBuilder builder = new org.bouncycastle.cert.X509v2CRLBuilder(
                    org.bouncycastle.asn1.x500.X500Name.getInstance(CA.certificate().getSubjectX500Principal().getEncoded()),
                    java.util.Date.from(NOW));
            builder.setNextUpdate(java.util.Date.from(NOW.plus(java.time.Duration.ofDays(30))));
            if (!spec.isEmpty()) {
                builder.addCRLEntry(issued(spec).leaf().getSerialNumber(), java.util.Date.from(NOW), 1);
            }
            java.security.PrivateKey key = dev.portcullis.dataplane.tls.PemParser.privateKey(CA.privateKeyPem());
            java.security.cert.X509CRL crl = new org.bouncycastle.cert.jcajce.JcaX509CRLConverter().getCRL(builder.build(
                    new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(key)));
            return "-----BEGIN X509 CRL-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(crl.getEncoded())
                    + "\n-----END X509 CRL-----\n";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> flags(String spec) {
        List<String> flags = new ArrayList<>(Arrays.asList(spec.split(";")));
        flags.removeFirst();
        return flags.stream().map(String::trim).toList();
    }

    private static String traditional(String pkcs8) {
        Processes.Result result = Processes.run(List.of("openssl", "pkey", "-traditional"), pkcs8);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("openssl pkey failed: " + result.stderr());
        }
        return result.stdout();
    }

    private static String quoted(String pem) {
        return "\"" + pem.replace("\n", "\\n") + "\"";
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }
}
