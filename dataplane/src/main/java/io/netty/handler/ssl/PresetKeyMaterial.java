package io.netty.handler.ssl;

import io.netty.internal.tcnative.SSL;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedKeyManager;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * One certificate chain and its key in BoringSSL's form, set on an engine before its handshake, so
 * that one OpenSSL context serves every certificate of a handshake policy. A context of its own per
 * certificate costs about 20 KiB of native memory; this costs the parsed chain and key alone.
 *
 * <p>In Netty's package because what it needs is package-private there: an engine's
 * {@code setKeyMaterial} and the conversion to BoringSSL's form. The native material is freed when
 * this object is unreachable; an engine that took it holds its own references.
 */
public final class PresetKeyMaterial {

    private static final Cleaner CLEANER = Cleaner.create();

    private final OpenSslKeyMaterial material;

    private PresetKeyMaterial(OpenSslKeyMaterial material) {
        this.material = material;
        CLEANER.register(this, material::release);
    }

    /** Whether OpenSSL contexts of this process take key material from a key manager (BoringSSL's do). */
    public static boolean supported() {
        return OpenSsl.isAvailable() && OpenSsl.useKeyManagerFactory();
    }

    /** Converts the chain and key now (a fraction of a millisecond); throws what BoringSSL refuses. */
    public static PresetKeyMaterial of(X509Certificate[] chain, PrivateKey key) throws SSLException {
        OpenSslKeyMaterial material;
        OpenSslKeyMaterialProvider provider = new OpenSslKeyMaterialProvider(new OneKeyManager(chain, key), null);
        try {
            material = provider.chooseKeyMaterial(UnpooledByteBufAllocator.DEFAULT, OneKeyManager.ALIAS);
        } catch (SSLException e) {
            throw e;
        } catch (Exception e) {
            throw new SSLException(e.getClass().getSimpleName() + " converting the key material", e);
        } finally {
            provider.destroy(); // the provider keeps a reference of its own to what it made last
        }
        if (material == null) {
            throw new SSLException("no certificate chain");
        }
        return new PresetKeyMaterial(material);
    }

    /**
     * As {@link #of}, from PEM text (the chain, leaf first, and a PKCS#8 key) that BoringSSL parses
     * itself: no Java certificate or key objects are made, and none are kept beside the native
     * material (the engines' sessions report no local certificates). The caller zeroes the key's text.
     */
    public static PresetKeyMaterial ofPem(byte[] chainPem, byte[] privateKeyPem) throws SSLException {
        long chainBio = 0;
        long keyBio = 0;
        long chain = 0;
        long key = 0;
        try {
            chainBio = ReferenceCountedOpenSslContext.toBIO(UnpooledByteBufAllocator.DEFAULT, (PemEncoded) PemX509Certificate.valueOf(chainPem));
            chain = SSL.parseX509Chain(chainBio);
            keyBio = ReferenceCountedOpenSslContext.toBIO(UnpooledByteBufAllocator.DEFAULT, (PemEncoded) PemPrivateKey.valueOf(privateKeyPem));
            key = SSL.parsePrivateKey(keyBio, null);
            OpenSslKeyMaterial material = new DefaultOpenSslKeyMaterial(chain, key, NO_CERTIFICATES);
            chain = 0; // the material owns them now
            key = 0;
            return new PresetKeyMaterial(material);
        } catch (SSLException e) {
            throw e;
        } catch (Exception e) {
            throw new SSLException(e.getClass().getSimpleName() + " converting the key material", e);
        } finally {
            SSL.freeBIO(chainBio);
            SSL.freeBIO(keyBio);
            if (chain != 0) {
                SSL.freeX509Chain(chain);
            }
            if (key != 0) {
                SSL.freePrivateKey(key);
            }
        }
    }

    private static final X509Certificate[] NO_CERTIFICATES = new X509Certificate[0];

    /**
     * The key manager of a context whose engines have their key material preset: at the handshake
     * it leaves the engine's material as it is. An engine without any fails its handshake.
     */
    public static KeyManagerFactory presetOnEngines() {
        return new KeyManagerFactoryWrapper(new OneKeyManager(null, null));
    }

    /** Sets this chain and key on an OpenSSL engine; other engines are left as they are. */
    public void setOn(SSLEngine engine) throws SSLException {
        if (engine instanceof ReferenceCountedOpenSslEngine openSsl) {
            try {
                openSsl.setKeyMaterial(material);
            } catch (SSLException e) {
                throw e;
            } catch (Exception e) {
                throw new SSLException(e);
            } finally {
                Reference.reachabilityFence(this); // the cleaner must not free the material while BoringSSL takes it
            }
        }
    }

    /**
     * A key manager with one alias. Without a chain it names its alias at every handshake but
     * gives no chain for it, and Netty then sets nothing on the engine.
     */
    private static final class OneKeyManager extends X509ExtendedKeyManager {

        static final String ALIAS = "preset";

        private final X509Certificate[] chain;
        private final PrivateKey key;

        OneKeyManager(X509Certificate[] chain, PrivateKey key) {
            this.chain = chain;
            this.key = key;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return ALIAS;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return ALIAS;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return chain == null ? null : chain.clone();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return key;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return new String[]{ALIAS};
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
