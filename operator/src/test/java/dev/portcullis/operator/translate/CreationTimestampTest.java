package dev.portcullis.operator.translate;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The API server's creation timestamps, read without Instant.parse: the same instants, and nothing else read so. */
class CreationTimestampTest {

    @ParameterizedTest
    @ValueSource(strings = {"2026-12-05T14:59:54Z", "1970-01-01T00:00:00Z", "2024-02-29T23:59:59Z", "9999-12-31T23:59:59Z"})
    void theApiServersFormReadsAsInstantParseReadsIt(String timestamp) {
        assertThat(IngressSelection.canonicalRfc3339(timestamp)).isEqualTo(Instant.parse(timestamp));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-12-05T14:59:54.5Z", "2026-12-05T14:59:54+01:00", "2026-13-05T14:59:54Z",
            "2025-02-29T10:00:00Z", "2026-12-05 14:59:54Z", "2026-12-0xT14:59:54Z", "", "2026-12-05T14:59:54z"})
    void anyOtherFormIsLeftToInstantParse(String timestamp) {
        assertThat(IngressSelection.canonicalRfc3339(timestamp)).isNull();
    }
}
