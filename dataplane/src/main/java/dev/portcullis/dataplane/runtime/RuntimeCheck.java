package dev.portcullis.dataplane.runtime;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.OperatingSystemMXBean;
import io.netty.channel.epoll.Epoll;
import io.netty.handler.ssl.OpenSsl;
import io.netty.util.internal.PlatformDependent;
import org.bouncycastle.asn1.ASN1Object;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;

/**
 * What the JVM was started with, checked once at start: the images set these flags, and a pod
 * whose command line or {@code JAVA_TOOL_OPTIONS} lost one runs slower or dies badly, so each
 * missing one is a warning in the log rather than a surprise under load.
 */
public final class RuntimeCheck {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeCheck.class);
    /**
     * Above this share of the memory limit, what lives outside the heap has no room: each host's TLS
     * context (about 15 KiB in BoringSSL from its first handshake), direct buffers, code and metaspace.
     */
    private static final double MAX_HEAP_SHARE = 0.6;

    private RuntimeCheck() {
    }

    /** One finding: what is wrong and what to pass the JVM to fix it. */
    public record Finding(String problem, String remedy) {
        @Override
        public String toString() {
            return problem + ": " + remedy;
        }
    }

    /** Logs one line describing the runtime and a warning per finding; returns the findings. */
    public static List<Finding> logAtStart(String component) {
        long heap = Runtime.getRuntime().maxMemory();
        long memory = memoryLimit();
        LOG.info("{} runtime: Java {}, {} CPUs, heap max {} MiB of {} MiB memory, {} transport, TLS by {}{}", component,
                Runtime.version(), Runtime.getRuntime().availableProcessors(), heap >> 20, memory >> 20,
                Epoll.isAvailable() ? "epoll" : "NIO", OpenSsl.isAvailable() ? "BoringSSL" : "the JDK",
                aotCacheUsed() ? ", AOT cache " + vmOption("AOTCache") : "");
        List<Finding> findings = findings(heap, memory);
        findings.forEach(finding -> LOG.warn("{} runtime: {}", component, finding));
        return findings;
    }

    static List<Finding> findings(long maxHeap, long memoryLimit) {
        List<Finding> findings = new ArrayList<>();
        if (!Epoll.isAvailable()) {
            findings.add(new Finding("no epoll native transport (" + Epoll.unavailabilityCause() + ")",
                    "run on Linux with a writable /tmp and --enable-native-access=ALL-UNNAMED"));
        }
        if (!OpenSsl.isAvailable()) {
            findings.add(new Finding("no BoringSSL (" + OpenSsl.unavailabilityCause() + "), TLS falls back to the JDK",
                    "give the JVM a writable /tmp and --enable-native-access=ALL-UNNAMED"));
        }
        if (Runtime.version().feature() >= 22 && ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .noneMatch(argument -> argument.startsWith("--enable-native-access"))) {
            findings.add(new Finding("native access is not enabled, the JVM warns when Netty loads its natives"
                    + " and a later Java refuses", "--enable-native-access=ALL-UNNAMED"));
        }
        if (!PlatformDependent.hasUnsafe()) {
            findings.add(new Finding("no direct memory access, buffers are slower",
                    "--sun-misc-unsafe-memory-access=allow"));
        }
        if (!"true".equals(vmOption("ExitOnOutOfMemoryError"))) {
            findings.add(new Finding("an OutOfMemoryError would leave a half-working process running",
                    "-XX:+ExitOnOutOfMemoryError"));
        }
        String aotCache = vmOption("AOTCache");
        if (!aotCache.isEmpty() && !aotCacheUsed()) {
            findings.add(new Finding("the AOT cache " + aotCache + " was not used (missing, or made by another JVM"
                    + " build or for another class path), the JVM started cold", "run the image's own command line, or drop -XX:AOTCache"));
        }
        if (signed(ASN1Object.class)) {
            findings.add(new Finding("BouncyCastle's jar is signed: the JVM checks its digests as it loads each class"
                    + " (about a second of a start on one CPU) and an AOT cache leaves its classes out",
                    "put the unsigned copies on the class path, as the image and portcullis-dataplane.jar do"));
        }
        if (memoryLimit > 0 && maxHeap > memoryLimit * MAX_HEAP_SHARE) {
            findings.add(new Finding("the heap may take " + (maxHeap * 100 / memoryLimit)
                    + "% of the memory limit, leaving too little for TLS contexts and direct buffers",
                    "-XX:MaxRAMPercentage=40, as the image sets"));
        }
        return findings;
    }

    /** A cache the JVM refused leaves it without sharing at all (not even the JDK's own archive). */
    private static boolean aotCacheUsed() {
        return !vmOption("AOTCache").isEmpty() && !"off".equals(vmOption("AOTMode"))
                && System.getProperty("java.vm.info", "").contains("sharing");
    }

    private static boolean signed(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        return source != null && source.getCodeSigners() != null;
    }

    private static long memoryLimit() {
        // Container-aware: the cgroup's limit inside a container, the machine's memory outside.
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    }

    private static String vmOption(String name) {
        return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(name).getValue();
    }
}
