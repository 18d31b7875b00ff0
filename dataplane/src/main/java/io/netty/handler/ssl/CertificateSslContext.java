package io.netty.handler.ssl;

import io.netty.buffer.ByteBufAllocator;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSessionContext;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;

/**
 * One certificate served by its handshake policy's shared OpenSSL context. Each engine made here is
 * created with the certificate's own session id context, and gets the certificate's chain and key
 * before its handshake; suites, versions, client authentication, the session cache and ticket keys
 * are the shared context's.
 *
 * <p>The session id context keeps a session to the certificate (and policy) it was made with, as a
 * context per certificate did: a renewed certificate is seen at the next connection, never hidden by
 * a resumed session of the one it replaced. BoringSSL copies a context's session id context into each
 * SSL object it creates; this sets the shared context's under the context's write lock, the lock
 * Netty creates engines under as a reader. In Netty's package for that lock and the shared
 * context's protected handler factories.
 */
public final class CertificateSslContext extends SslContext {

    private final ReferenceCountedOpenSslContext shared;
    private final PresetKeyMaterial keys;
    private final byte[] sessionIdContext;

    private CertificateSslContext(ReferenceCountedOpenSslContext shared, PresetKeyMaterial keys, byte[] sessionIdContext) {
        this.shared = shared;
        this.keys = keys;
        this.sessionIdContext = sessionIdContext.clone();
    }

    /** {@code policyContext} (an OpenSSL server context without key material) serving one certificate. */
    public static SslContext of(SslContext policyContext, PresetKeyMaterial keys, byte[] sessionIdContext) {
        if (!(policyContext instanceof ReferenceCountedOpenSslContext shared) || policyContext.isClient()) {
            throw new IllegalArgumentException("not an OpenSSL server context: " + policyContext.getClass().getSimpleName());
        }
        return new CertificateSslContext(shared, keys, sessionIdContext);
    }

    @Override
    public boolean isClient() {
        return false;
    }

    @Override
    public List<String> cipherSuites() {
        return shared.cipherSuites();
    }

    @Override
    public long sessionCacheSize() {
        return shared.sessionCacheSize();
    }

    @Override
    public long sessionTimeout() {
        return shared.sessionTimeout();
    }

    @Override
    public ApplicationProtocolNegotiator applicationProtocolNegotiator() {
        return shared.applicationProtocolNegotiator();
    }

    @Override
    public SSLSessionContext sessionContext() {
        return shared.sessionContext();
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc) {
        return withKeys(created(() -> shared.newEngine(alloc)));
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc, String peerHost, int peerPort) {
        return withKeys(created(() -> shared.newEngine(alloc, peerHost, peerPort)));
    }

    @Override
    protected SslHandler newHandler(ByteBufAllocator alloc, boolean startTls) {
        return withKeys(created(() -> shared.newHandler(alloc, startTls)));
    }

    @Override
    protected SslHandler newHandler(ByteBufAllocator alloc, String peerHost, int peerPort, boolean startTls) {
        return withKeys(created(() -> shared.newHandler(alloc, peerHost, peerPort, startTls)));
    }

    @Override
    protected SslHandler newHandler(ByteBufAllocator alloc, boolean startTls, Executor executor) {
        return withKeys(created(() -> shared.newHandler(alloc, startTls, executor)));
    }

    @Override
    protected SslHandler newHandler(ByteBufAllocator alloc, String peerHost, int peerPort, boolean startTls, Executor executor) {
        return withKeys(created(() -> shared.newHandler(alloc, peerHost, peerPort, startTls, executor)));
    }

    /** Made while the shared context's session id context is this certificate's (engines copy it when created). */
    private <T> T created(Supplier<T> make) {
        Lock lock = shared.ctxLock.writeLock();
        lock.lock();
        try {
            // Netty's setter takes the same write lock again (reentrant) and sets the native context's.
            ((OpenSslServerSessionContext) shared.sessionContext()).setSessionIdContext(sessionIdContext);
            return make.get();
        } finally {
            lock.unlock();
        }
    }

    private SslHandler withKeys(SslHandler handler) {
        withKeys(handler.engine());
        return handler;
    }

    private SSLEngine withKeys(SSLEngine engine) {
        try {
            keys.setOn(engine);
            return engine;
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set the certificate on a TLS engine: " + e.getMessage(), e);
        }
    }
}
