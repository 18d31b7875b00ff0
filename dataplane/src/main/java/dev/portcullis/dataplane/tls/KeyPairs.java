package dev.portcullis.dataplane.tls;

import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.EllipticCurve;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells whether a private key and a public key are a pair. RSA and EC keys are compared by their
 * numbers (the modulus and exponent; the public point recomputed from the private scalar), which is
 * several times cheaper than signing and verifying a probe and matters with thousands of
 * certificates; other keys still sign and verify.
 */
final class KeyPairs {
    private static final byte[] PROBE = "portcullis key pair probe".getBytes(StandardCharsets.US_ASCII);

    private record CurveKey(EllipticCurve curve, java.security.spec.ECPoint generator) {
    }

    private static final Map<CurveKey, ECPoint> GENERATORS = new ConcurrentHashMap<>();
    /** Multiplies a fixed point (the generator) with a table kept on the point: half the time of the default multiplier. */
    private static final FixedPointCombMultiplier FIXED_BASE = new FixedPointCombMultiplier();

    private KeyPairs() {
    }

    static boolean match(PrivateKey key, PublicKey publicKey) {
        if (key instanceof RSAPrivateCrtKey rsa && publicKey instanceof RSAPublicKey rsaPublic) {
            return rsa.getModulus().equals(rsaPublic.getModulus())
                    && rsa.getPublicExponent().equals(rsaPublic.getPublicExponent());
        }
        if (key instanceof ECPrivateKey ec && publicKey instanceof ECPublicKey ecPublic) {
            return ec.getParams().getCurve().equals(ecPublic.getParams().getCurve()) && ecPointMatches(ec, ecPublic);
        }
        return signsFor(key, publicKey);
    }

    private static boolean ecPointMatches(ECPrivateKey key, ECPublicKey publicKey) {
        // One converted curve per generator, so that the generator's precomputed multiples are kept.
        ECParameterSpec params = key.getParams();
        ECPoint generator = GENERATORS.computeIfAbsent(new CurveKey(params.getCurve(), params.getGenerator()),
                k -> EC5Util.convertSpec(params).getG());
        java.math.BigInteger scalar = key.getS();
        if (scalar.signum() <= 0 || scalar.compareTo(params.getOrder()) >= 0) {
            return false; // not a private key of this curve (and the comb takes no scalar past the order)
        }
        ECPoint derived = FIXED_BASE.multiply(generator, scalar).normalize();
        return derived.getAffineXCoord().toBigInteger().equals(publicKey.getW().getAffineX())
                && derived.getAffineYCoord().toBigInteger().equals(publicKey.getW().getAffineY());
    }

    private static boolean signsFor(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return false;
        }
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
