package dev.portcullis.operator.publish;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Debounce with the time passed in: no clock, no sleeps. */
class DebounceTest {

    private static final Instant T0 = Instant.parse("2026-12-04T12:00:00Z");

    private static Instant at(long millis) {
        return T0.plusMillis(millis);
    }

    @Test
    void aChangeAfterAQuietSpellIsRebuiltAtOnce() {
        Debounce debounce = new Debounce(Duration.ofMillis(100), Duration.ofSeconds(1));
        assertThat(debounce.changed(at(0))).isEqualTo(at(0));
        debounce.rebuilt(at(5));
        assertThat(debounce.changed(at(105))).as("a hold-off after the last rebuild").isEqualTo(at(105));
    }

    @Test
    void aLoneChangeSoonAfterARebuildWaitsOnlyForWhatIsLeftOfTheHoldOff() {
        Debounce debounce = new Debounce(Duration.ofMillis(100), Duration.ofSeconds(1));
        debounce.changed(at(0));
        debounce.rebuilt(at(5));
        assertThat(debounce.changed(at(50))).isEqualTo(at(105));
        assertThat(debounce.changed(at(60))).as("a second change while one is pending: a burst, held for the pause")
                .isEqualTo(at(160));
    }

    @Test
    void loneChangesOneAfterAnotherAreRebuiltAtMostOncePerHoldOff() {
        Debounce debounce = new Debounce(Duration.ofMillis(100), Duration.ofSeconds(1));
        Instant due = debounce.changed(at(0));
        for (int i = 0; i < 5; i++) {
            debounce.rebuilt(due);
            Instant next = debounce.changed(due.plusMillis(30));
            assertThat(next).isEqualTo(due.plusMillis(100));
            due = next;
        }
    }

    @Test
    void eachChangeInABurstPushesTheRebuildBack() {
        Debounce debounce = new Debounce(Duration.ofMillis(100), Duration.ofSeconds(1));
        assertThat(debounce.changed(at(0))).as("the first, after a quiet spell").isEqualTo(at(0));
        assertThat(debounce.changed(at(50))).isEqualTo(at(150));
        assertThat(debounce.changed(at(120))).isEqualTo(at(220));
    }

    @Test
    void steadyChangesAreRebuiltNoLaterThanTheMaximumHoldOffAfterTheFirst() {
        Debounce debounce = new Debounce(Duration.ofMillis(100), Duration.ofMillis(300));
        debounce.changed(at(0));
        debounce.changed(at(90));
        debounce.changed(at(180));
        assertThat(debounce.changed(at(270))).isEqualTo(at(300));
        assertThat(debounce.changed(at(299))).isEqualTo(at(300));
    }

    @Test
    void afterARebuildTheNextChangeStartsAFreshWindow() {
        Debounce debounce = new Debounce(Duration.ofMillis(100), Duration.ofMillis(300));
        debounce.changed(at(0));
        debounce.changed(at(250));
        debounce.rebuilt(at(300));
        assertThat(debounce.changed(at(1000))).isEqualTo(at(1000));
        assertThat(debounce.changed(at(1010))).isEqualTo(at(1110));
    }

    @Test
    void alwaysWaitingHasNoAtOnceEvenForALoneChange() {
        Debounce debounce = Debounce.alwaysWaiting(Duration.ofSeconds(1), Duration.ofSeconds(5));
        assertThat(debounce.changed(at(0))).as("a lone change waits for the pause too").isEqualTo(at(1_000));
        assertThat(debounce.changed(at(800))).isEqualTo(at(1_800));
        assertThat(debounce.changed(at(4_500))).as("never later than the maximum after the first").isEqualTo(at(5_000));
        debounce.rebuilt(at(5_000));
        assertThat(debounce.changed(at(9_000))).as("after a quiet spell as well").isEqualTo(at(10_000));
    }
}
