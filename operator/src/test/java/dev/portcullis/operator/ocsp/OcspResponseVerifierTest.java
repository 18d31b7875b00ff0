package dev.portcullis.operator.ocsp;

import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.operator.ocsp.TestOcspResponder.Answer;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What is stapled and what is refused: responses built with BouncyCastle, checked against a leaf and its issuer. */
class OcspResponseVerifierTest {

    private static final OcspTestCa CA = OcspTestCa.create("verifier CA");
    private static final OcspTestCa OTHER_CA = OcspTestCa.create("another CA");
    private static final IssuedCertificate LEAF = CA.issueServer(List.of("ocsp.example.test"), "http://127.0.0.1:1/ocsp");
    private static final OcspTarget TARGET = OcspTarget.of(LEAF.chainPem()).orElseThrow();
    private static final Instant NOW = Instant.now();

    @Test
    void theTargetIsTheLeafItsIssuerAndTheAiaResponder() {
        assertThat(TARGET.responder()).hasToString("http://127.0.0.1:1/ocsp");
        assertThat(TARGET.issuer()).isEqualTo(CA.certificate());
        assertThat(OcspTarget.of(CA.issueServer(List.of("none.example.test"), null).chainPem())).isEmpty();
        assertThat(OcspTarget.of(LEAF.chain().getFirst().toString())).isEmpty();
    }

    @Test
    void aLeafThatNamesAResponderButComesWithoutItsIssuerIsToldApart() {
        String leafOnly = new IssuedCertificate(List.of(LEAF.leaf()), LEAF.privateKey()).chainPem();
        assertThat(OcspTarget.of(leafOnly)).isEmpty();
        assertThat(OcspTarget.namesResponderWithoutIssuer(leafOnly)).isTrue();
        assertThat(OcspTarget.namesResponderWithoutIssuer(LEAF.chainPem())).as("its issuer follows").isFalse();
        assertThat(OcspTarget.namesResponderWithoutIssuer(CA.issueServer(List.of("none.example.test"), null).chainPem()))
                .as("no responder").isFalse();
        assertThat(OcspTarget.namesResponderWithoutIssuer("not a PEM")).isFalse();
    }

    @Test
    void aGoodAnswerSignedByTheIssuerIsStapled() throws Exception {
        VerifiedResponse verified = OcspResponseVerifier.verify(response(Answer.GOOD, CA.asSigner(), NOW, ids -> ids), TARGET, NOW);
        assertThat(verified.status()).isEqualTo(VerifiedResponse.CertStatus.GOOD);
        assertThat(verified.nextUpdate()).isAfter(NOW);
    }

    @Test
    void aRevokedAnswerSaysWhen() throws Exception {
        VerifiedResponse verified = OcspResponseVerifier.verify(response(Answer.REVOKED, CA.asSigner(), NOW, ids -> ids), TARGET, NOW);
        assertThat(verified.status()).isEqualTo(VerifiedResponse.CertStatus.REVOKED);
        assertThat(verified.revokedAt()).isBefore(NOW);
    }

    @Test
    void unknownIsReportedAsUnknown() throws Exception {
        assertThat(OcspResponseVerifier.verify(response(Answer.UNKNOWN, CA.asSigner(), NOW, ids -> ids), TARGET, NOW).status())
                .isEqualTo(VerifiedResponse.CertStatus.UNKNOWN);
    }

    @Test
    void aResponderTheIssuerDelegatedToForOcspSigningIsTrusted() throws Exception {
        VerifiedResponse verified = OcspResponseVerifier.verify(
                response(Answer.GOOD, CA.delegatedResponder(true), NOW, ids -> ids), TARGET, NOW);
        assertThat(verified.status()).isEqualTo(VerifiedResponse.CertStatus.GOOD);
    }

    @Test
    void aDelegateWithoutTheOcspSigningPurposeIsRefused() {
        assertThatThrownBy(() -> OcspResponseVerifier.verify(
                response(Answer.GOOD, CA.delegatedResponder(false), NOW, ids -> ids), TARGET, NOW))
                .isInstanceOf(OcspException.class).hasMessageContaining("not signed by the certificate's issuer");
    }

    @Test
    void aResponseSignedByAnotherCaIsRefused() {
        assertThatThrownBy(() -> OcspResponseVerifier.verify(response(Answer.GOOD, OTHER_CA.asSigner(), NOW, ids -> ids), TARGET, NOW))
                .isInstanceOf(OcspException.class).hasMessageContaining("not signed by the certificate's issuer");
        assertThatThrownBy(() -> OcspResponseVerifier.verify(
                response(Answer.GOOD, OTHER_CA.delegatedResponder(true), NOW, ids -> ids), TARGET, NOW))
                .isInstanceOf(OcspException.class).hasMessageContaining("not signed by the certificate's issuer");
    }

    @Test
    void aResponseAboutAnotherCertificateIsNeverStapled() {
        assertThatThrownBy(() -> OcspResponseVerifier.verify(
                response(Answer.GOOD, CA.asSigner(), NOW, TestOcspResponder::otherSerial), TARGET, NOW))
                .isInstanceOf(OcspException.class).hasMessageContaining("not about this certificate");
        // The same serial under another issuer is another certificate too.
        IssuedCertificate stranger = OTHER_CA.issueServer(List.of("ocsp.example.test"), "http://127.0.0.1:1/ocsp");
        OcspTarget strangerTarget = OcspTarget.of(stranger.chainPem()).orElseThrow();
        assertThatThrownBy(() -> OcspResponseVerifier.verify(response(Answer.GOOD, CA.asSigner(), NOW, ids -> ids), strangerTarget, NOW))
                .isInstanceOf(OcspException.class);
    }

    @Test
    void anExpiredOrFutureResponseIsRefused() throws Exception {
        byte[] old = response(Answer.GOOD, CA.asSigner(), NOW.minus(Duration.ofHours(5)), ids -> ids);
        assertThatThrownBy(() -> OcspResponseVerifier.verify(old, TARGET, NOW))
                .isInstanceOf(OcspException.class).hasMessageContaining("expired at its nextUpdate");
        byte[] future = response(Answer.GOOD, CA.asSigner(), NOW.plus(Duration.ofHours(1)), ids -> ids);
        assertThatThrownBy(() -> OcspResponseVerifier.verify(future, TARGET, NOW))
                .isInstanceOf(OcspException.class).hasMessageContaining("in the future");
    }

    @Test
    void anUnsuccessfulOrGarbledAnswerIsRefused() throws Exception {
        byte[] tryLater = new OCSPRespBuilder().build(OCSPRespBuilder.TRY_LATER, null).getEncoded();
        assertThatThrownBy(() -> OcspResponseVerifier.verify(tryLater, TARGET, NOW))
                .isInstanceOf(OcspException.class).hasMessageContaining("try later");
        assertThatThrownBy(() -> OcspResponseVerifier.verify("<html>".getBytes(), TARGET, NOW))
                .isInstanceOf(OcspException.class).hasMessageContaining("not an OCSP response");
    }

    private static byte[] response(Answer answer, OcspTestCa.Signer signer, Instant thisUpdate,
                                   UnaryOperator<org.bouncycastle.cert.ocsp.CertificateID> ids) throws Exception {
        OCSPReq request = new OCSPReq(OcspResponseVerifier.request(TARGET));
        return TestOcspResponder.respond(request, answer, ids, signer, thisUpdate, Duration.ofHours(4)).getEncoded();
    }
}
