package dev.portcullis.operator.ocsp;

import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * Builds the OCSP request for a certificate and checks a responder's answer before it is stapled
 * (RFC 6960 3.2): status successful; a basic response signed by the issuer, or by a responder
 * certificate the issuer issued for OCSP signing (id-kp-OCSPSigning) that is within its dates; a
 * single response whose CertID is this leaf's serial and issuer; thisUpdate not in the future (a
 * few minutes of clock skew allowed) and nextUpdate, when given, in the future. A response for
 * another certificate is never stapled.
 */
public final class OcspResponseVerifier {

    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private OcspResponseVerifier() {
    }

    /** The DER OCSPRequest for the leaf: a SHA-1 CertID, which every responder understands (RFC 5019), no nonce. */
    public static byte[] request(OcspTarget target) throws OcspException {
        try {
            CertificateID id = certificateId(target);
            OCSPReq request = new OCSPReqBuilder().addRequest(id).build();
            return request.getEncoded();
        } catch (OCSPException | IOException e) {
            throw new OcspException("cannot build an OCSP request: " + e.getMessage());
        }
    }

    public static VerifiedResponse verify(byte[] der, OcspTarget target, Instant now) throws OcspException {
        OCSPResp response;
        try {
            response = new OCSPResp(der);
        } catch (IOException | RuntimeException e) {
            throw new OcspException("the responder's answer is not an OCSP response");
        }
        if (response.getStatus() != OCSPResp.SUCCESSFUL) {
            throw new OcspException("the responder answered with status " + response.getStatus() + " (" + statusName(response.getStatus()) + ")");
        }
        BasicOCSPResp basic;
        try {
            if (!(response.getResponseObject() instanceof BasicOCSPResp b)) {
                throw new OcspException("the responder's answer is not a basic OCSP response");
            }
            basic = b;
        } catch (OCSPException e) {
            throw new OcspException("the responder's answer cannot be read: " + e.getMessage());
        }
        checkSignature(basic, target, now);
        SingleResp single = matching(basic, target);
        Instant thisUpdate = single.getThisUpdate().toInstant();
        Instant nextUpdate = single.getNextUpdate() == null ? null : single.getNextUpdate().toInstant();
        if (thisUpdate.isAfter(now.plus(CLOCK_SKEW))) {
            throw new OcspException("the response's thisUpdate " + thisUpdate + " is in the future");
        }
        if (nextUpdate != null && !nextUpdate.isAfter(now)) {
            throw new OcspException("the response expired at its nextUpdate " + nextUpdate);
        }
        CertificateStatus status = single.getCertStatus();
        if (status == CertificateStatus.GOOD) {
            return new VerifiedResponse(der, VerifiedResponse.CertStatus.GOOD, thisUpdate, nextUpdate, null);
        }
        if (status instanceof RevokedStatus revoked) {
            return new VerifiedResponse(der, VerifiedResponse.CertStatus.REVOKED, thisUpdate, nextUpdate,
                    revoked.getRevocationTime().toInstant());
        }
        if (status instanceof UnknownStatus) {
            return new VerifiedResponse(der, VerifiedResponse.CertStatus.UNKNOWN, thisUpdate, nextUpdate, null);
        }
        throw new OcspException("the response has a certificate status this operator does not know");
    }

    private static SingleResp matching(BasicOCSPResp basic, OcspTarget target) throws OcspException {
        try {
            X509CertificateHolder issuer = new JcaX509CertificateHolder(target.issuer());
            DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().build();
            for (SingleResp single : basic.getResponses()) {
                CertificateID id = single.getCertID();
                if (id.getSerialNumber().equals(target.leaf().getSerialNumber()) && id.matchesIssuer(issuer, digests)) {
                    return single;
                }
            }
        } catch (CertificateEncodingException | OperatorCreationException | OCSPException e) {
            throw new OcspException("cannot match the response to the certificate: " + e.getMessage());
        }
        throw new OcspException("the response is not about this certificate (no CertID with its serial and issuer)");
    }

    /** Signed by the issuer itself, or by a delegated responder the issuer certified for OCSP signing. */
    private static void checkSignature(BasicOCSPResp basic, OcspTarget target, Instant now) throws OcspException {
        try {
            if (basic.isSignatureValid(verifier(new JcaX509CertificateHolder(target.issuer())))) {
                return;
            }
        } catch (OCSPException | CertificateEncodingException e) {
            // not signed by the issuer's key: try the delegated responder certificates below
        }
        for (X509CertificateHolder responder : basic.getCerts()) {
            try {
                if (delegatedBy(responder, target, now) && basic.isSignatureValid(verifier(responder))) {
                    return;
                }
            } catch (OCSPException | CertificateEncodingException e) {
                // try the next one
            }
        }
        throw new OcspException("the response is not signed by the certificate's issuer or a responder it delegated to");
    }

    private static boolean delegatedBy(X509CertificateHolder responder, OcspTarget target, Instant now)
            throws CertificateEncodingException {
        X509CertificateHolder issuer = new JcaX509CertificateHolder(target.issuer());
        if (!responder.getIssuer().equals(issuer.getSubject()) || !responder.isValidOn(Date.from(now))) {
            return false;
        }
        var usage = org.bouncycastle.asn1.x509.ExtendedKeyUsage.fromExtensions(responder.getExtensions());
        if (usage == null || !usage.hasKeyPurposeId(KeyPurposeId.id_kp_OCSPSigning)) {
            return false;
        }
        try {
            return responder.isSignatureValid(verifier(issuer));
        } catch (Exception e) {
            return false;
        }
    }

    private static ContentVerifierProvider verifier(X509CertificateHolder signer) {
        try {
            return new JcaContentVerifierProviderBuilder().build(signer);
        } catch (OperatorCreationException | java.security.cert.CertificateException e) {
            throw new IllegalStateException("cannot verify with " + signer.getSubject(), e);
        }
    }

    private static CertificateID certificateId(OcspTarget target) throws OCSPException {
        try {
            DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().build();
            return new CertificateID(digests.get(CertificateID.HASH_SHA1), new JcaX509CertificateHolder(target.issuer()),
                    target.leaf().getSerialNumber());
        } catch (OperatorCreationException | CertificateEncodingException e) {
            throw new OCSPException("cannot compute the CertID: " + e.getMessage(), e);
        }
    }

    private static String statusName(int status) {
        return switch (status) {
            case OCSPResp.MALFORMED_REQUEST -> "malformed request";
            case OCSPResp.INTERNAL_ERROR -> "internal error";
            case OCSPResp.TRY_LATER -> "try later";
            case OCSPResp.SIG_REQUIRED -> "signature required";
            case OCSPResp.UNAUTHORIZED -> "unauthorized";
            default -> "unknown";
        };
    }
}
