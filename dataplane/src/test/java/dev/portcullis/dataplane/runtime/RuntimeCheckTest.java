package dev.portcullis.dataplane.runtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RuntimeCheckTest {

    private static final long GIB = 1L << 30;

    @Test
    void aHeapThatLeavesNoRoomForTlsContextsAndDirectBuffersIsAFinding() {
        assertThat(RuntimeCheck.findings(768L << 20, GIB)).anySatisfy(finding ->
                assertThat(finding.remedy()).contains("MaxRAMPercentage"));
        assertThat(RuntimeCheck.findings(512L << 20, GIB)).noneSatisfy(finding ->
                assertThat(finding.remedy()).contains("MaxRAMPercentage"));
    }

    @Test
    void theTestJvmHasTheNativeTransportAndTlsButNotExitOnOutOfMemoryNorUnsignedBouncyCastle() {
        // The test JVMs get --enable-native-access and the Unsafe flag (pom.xml), not -XX:+ExitOnOutOfMemoryError,
        // and BouncyCastle's signed jars from the Maven repository.
        assertThat(RuntimeCheck.findings(512L << 20, GIB)).extracting(RuntimeCheck.Finding::remedy)
                .containsExactly("-XX:+ExitOnOutOfMemoryError",
                        "put the unsigned copies on the class path, as the image and portcullis-dataplane.jar do");
    }
}
