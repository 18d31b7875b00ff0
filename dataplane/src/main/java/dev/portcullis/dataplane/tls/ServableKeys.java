package dev.portcullis.dataplane.tls;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Map;

/**
 * The private keys a server certificate can be served with: RSA, and ECDSA on P-256, P-384 or
 * P-521, what BoringSSL signs handshakes with. Checked where a certificate is parsed, so that
 * another key (Ed25519, a Brainpool or secp256k1 curve, RSASSA-PSS, DSA) is refused with a clear
 * error when its Secret is read, not found out at a handshake.
 */
final class ServableKeys {

    private static final Map<String, ECParameterSpec> CURVES = Map.of(
            "P-256", curve("secp256r1"), "P-384", curve("secp384r1"), "P-521", curve("secp521r1"));

    private ServableKeys() {
    }

    /** Throws {@link InvalidCertificateException} naming the key's kind when it cannot be served. */
    static void check(PrivateKey key) {
        if (key instanceof RSAPrivateCrtKey && key.getAlgorithm().equals("RSA")) {
            return;
        }
        if (key instanceof ECPrivateKey ec) {
            for (ECParameterSpec named : CURVES.values()) {
                if (sameCurve(ec.getParams(), named)) {
                    return;
                }
            }
            throw new InvalidCertificateException("the private key is an EC key on a curve TLS here cannot use; "
                    + "use ECDSA P-256, P-384 or P-521, or RSA");
        }
        throw new InvalidCertificateException("the private key is a " + key.getAlgorithm()
                + " key, which TLS here cannot use; use RSA or ECDSA P-256, P-384 or P-521");
    }

    private static boolean sameCurve(ECParameterSpec a, ECParameterSpec b) {
        return a.getCurve().equals(b.getCurve()) && a.getGenerator().equals(b.getGenerator())
                && a.getOrder().equals(b.getOrder());
    }

    private static ECParameterSpec curve(String name) {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec(name));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks curve " + name, e);
        }
    }
}
