package dev.portcullis.operator.ocsp;

import com.sun.net.httpserver.HttpServer;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.cert.ocsp.jcajce.JcaBasicOCSPRespBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.asn1.x509.CRLReason;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A real OCSP responder for tests: the JDK's HTTP server on 127.0.0.1 answering POSTed OCSP
 * requests with BouncyCastle-built responses signed by a {@link OcspTestCa.Signer}. What it answers
 * (good, revoked, unknown, HTTP 500) can change while it runs; times come from the test's clock.
 */
public final class TestOcspResponder implements AutoCloseable {

    public enum Answer { GOOD, REVOKED, UNKNOWN, HTTP_500 }

    private final HttpServer server;
    private final OcspTestCa.Signer signer;
    private final Clock clock;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile Answer answer = Answer.GOOD;
    private volatile Duration validity = Duration.ofHours(4);

    private TestOcspResponder(OcspTestCa.Signer signer, Clock clock) throws IOException {
        this.signer = signer;
        this.clock = clock;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            try (exchange; InputStream body = exchange.getRequestBody()) {
                byte[] request = body.readAllBytes();
                if (answer == Answer.HTTP_500) {
                    exchange.sendResponseHeaders(500, -1);
                    return;
                }
                byte[] response = respond(new OCSPReq(request), answer, UnaryOperator.identity()).getEncoded();
                exchange.getResponseHeaders().set("Content-Type", "application/ocsp-response");
                exchange.sendResponseHeaders(200, response.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response);
                }
            } catch (Exception e) {
                exchange.sendResponseHeaders(400, -1);
            }
        });
        server.start();
    }

    public static TestOcspResponder start(OcspTestCa.Signer signer, Clock clock) throws IOException {
        return new TestOcspResponder(signer, clock);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/ocsp";
    }

    public void answer(Answer answer) {
        this.answer = answer;
    }

    /** How far after thisUpdate (now) the nextUpdate of the answers lies. */
    public void validity(Duration validity) {
        this.validity = validity;
    }

    public int requests() {
        return requests.get();
    }

    /** The response to {@code request} as this responder would give it, with each CertID passed through {@code ids}. */
    public OCSPResp respond(OCSPReq request, Answer answer, UnaryOperator<CertificateID> ids) throws Exception {
        return respond(request, answer, ids, signer, clock.instant(), validity);
    }

    public static OCSPResp respond(OCSPReq request, Answer answer, UnaryOperator<CertificateID> ids, OcspTestCa.Signer signer,
                                   Instant thisUpdate, Duration validity) throws Exception {
        X509CertificateHolder signerHolder = new JcaX509CertificateHolder(signer.certificate());
        BasicOCSPRespBuilder builder = new JcaBasicOCSPRespBuilder(signer.certificate().getPublicKey(),
                new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1));
        for (Req single : request.getRequestList()) {
            CertificateStatus status = switch (answer) {
                case GOOD, HTTP_500 -> CertificateStatus.GOOD;
                case REVOKED -> new RevokedStatus(Date.from(thisUpdate.minus(Duration.ofHours(1))), CRLReason.keyCompromise);
                case UNKNOWN -> new UnknownStatus();
            };
            builder.addResponse(ids.apply(single.getCertID()), status, Date.from(thisUpdate),
                    Date.from(thisUpdate.plus(validity)), null);
        }
        BasicOCSPResp basic = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.key()),
                new X509CertificateHolder[]{signerHolder}, Date.from(thisUpdate));
        return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic);
    }

    /** A CertID with another serial: an answer about some other certificate. */
    public static CertificateID otherSerial(CertificateID id) {
        return CertificateID.deriveCertificateID(id, id.getSerialNumber().add(BigInteger.ONE));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
