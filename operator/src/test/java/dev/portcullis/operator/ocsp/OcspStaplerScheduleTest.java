package dev.portcullis.operator.ocsp;

import dev.portcullis.operator.translate.OcspStaple;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** When the stapler fetches again: halfway through a response's validity, and after failures with backoff. */
class OcspStaplerScheduleTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    @Test
    void refreshesHalfwayThroughTheValidityButNotWithinFiveSeconds() {
        assertThat(OcspStapler.refreshAt(NOW, NOW.plus(Duration.ofDays(7)), NOW)).isEqualTo(NOW.plus(Duration.ofDays(3).plusHours(12)));
        assertThat(OcspStapler.refreshAt(NOW.minus(Duration.ofHours(1)), NOW.plus(Duration.ofSeconds(30)), NOW))
                .isEqualTo(NOW.plus(Duration.ofSeconds(5)));
    }

    @Test
    void retriesDoubleUpToHalfAnHourAndComeBeforeAKeptResponseExpires() {
        OcspStaple none = new OcspStaple(null, OcspStaple.Status.NONE, null, null, "down", "http://r");
        assertThat(OcspStapler.retryAfter(1, none, NOW)).isEqualTo(Duration.ofMinutes(1));
        assertThat(OcspStapler.retryAfter(3, none, NOW)).isEqualTo(Duration.ofMinutes(4));
        assertThat(OcspStapler.retryAfter(20, none, NOW)).isEqualTo(Duration.ofMinutes(30));
        OcspStaple kept = new OcspStaple("MAMKAQA=", OcspStaple.Status.GOOD, NOW.plus(Duration.ofMinutes(20)), null, "down", "http://r");
        assertThat(OcspStapler.retryAfter(20, kept, NOW)).isEqualTo(Duration.ofMinutes(10));
        OcspStaple almostGone = new OcspStaple("MAMKAQA=", OcspStaple.Status.GOOD, NOW.plus(Duration.ofSeconds(4)), null, "down", "http://r");
        assertThat(OcspStapler.retryAfter(1, almostGone, NOW)).isEqualTo(Duration.ofSeconds(5));
    }
}
