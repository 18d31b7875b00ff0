package dev.portcullis.dataplane.tls;

import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLEngine;
import java.util.Base64;

/**
 * A server context whose engines staple one OCSP response (the operator fetched and checked it;
 * the data plane trusts the snapshot). OpenSSL sends it only to a client that asked for status
 * ({@code status_request}); a handshake never fails because of it: an engine that cannot take the
 * response serves without one.
 */
public final class StapledSslContext extends DelegatingSslContext {

    private static final Logger LOG = LoggerFactory.getLogger(StapledSslContext.class);

    private final byte[] response;

    private StapledSslContext(SslContext context, byte[] response) {
        super(context);
        this.response = response;
    }

    /** Whether this process can staple at all (OpenSSL or BoringSSL with OCSP support). */
    public static boolean supported() {
        return OpenSsl.isAvailable() && OpenSsl.isOcspSupported();
    }

    /**
     * {@code context} stapling the base64 DER response when it is built, or {@code context} itself when
     * there is no response, it does not decode, or this process cannot staple.
     */
    public static ServerContext of(ServerContext context, String ocspResponseBase64) {
        byte[] response = decode(ocspResponseBase64);
        return response == null ? context : context.wrapped(built -> new StapledSslContext(built, response));
    }

    /** The DER response, or null when there is none to staple. */
    private static byte[] decode(String ocspResponseBase64) {
        if (ocspResponseBase64 == null || !supported()) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(ocspResponseBase64);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    protected void initEngine(SSLEngine engine) {
        if (engine instanceof ReferenceCountedOpenSslEngine openSsl) {
            try {
                openSsl.setOcspResponse(response);
            } catch (RuntimeException e) {
                // The context was built without OCSP (another provider): serve without a staple.
                LOG.debug("cannot staple an OCSP response: {}", e.toString());
            }
        }
    }
}
