package dev.portcullis.dataplane.tls;

import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.PresetKeyMaterial;
import io.netty.handler.ssl.SslContext;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * One certificate served by its handshake policy's shared OpenSSL context: every engine made here
 * gets the certificate's chain and key before its handshake. Sessions, ticket keys, suites and
 * client authentication are the policy context's.
 */
final class CertificateSslContext extends DelegatingSslContext {

    private final PresetKeyMaterial keys;

    CertificateSslContext(SslContext policyContext, PresetKeyMaterial keys) {
        super(policyContext);
        this.keys = keys;
    }

    @Override
    protected void initEngine(SSLEngine engine) {
        try {
            keys.setOn(engine);
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set the certificate on a TLS engine: " + e.getMessage(), e);
        }
    }
}
