package dev.portcullis.dataplane.server;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.internal.PlatformDependent;

/**
 * Process-wide Netty settings for serving traffic, applied before the first listener starts.
 *
 * <p>Leak detection samples one buffer in 128 and records a stack trace for it; that is a
 * debugging aid costing a few per cent of a proxy's CPU, so it is off unless
 * {@code -Dio.netty.leakDetection.level} asks for it (the tests run it at PARANOID).
 *
 * <p>On Java 25 Netty leaves {@code sun.misc.Unsafe} alone unless the JVM is started with
 * {@code --sun-misc-unsafe-memory-access=allow}; without it every buffer access goes through
 * ByteBuffer views, measurably slower and allocating. The launchers pass the flag; when it is
 * missing, {@link #describe()} says so in the startup line.
 */
final class NettyTuning {

    static final String UNSAFE_FLAG = "--sun-misc-unsafe-memory-access=allow";

    private NettyTuning() {
    }

    static void apply() {
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    /** For the startup line: whether buffers use direct memory access, and how to get it if not. */
    static String describe() {
        return PlatformDependent.hasUnsafe() ? "direct memory access"
                : "no direct memory access (start the JVM with " + UNSAFE_FLAG + " for speed)";
    }
}
