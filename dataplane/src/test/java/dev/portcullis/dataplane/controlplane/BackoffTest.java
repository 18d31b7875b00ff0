package dev.portcullis.dataplane.controlplane;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {

    /** Always draws the largest value allowed, so each wait shows its ceiling. */
    private static final RandomGenerator HIGHEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    private static final RandomGenerator LOWEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long nextLong(long bound) {
            return 0;
        }
    };

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # attempts: F failed, S succeeded | the longest wait after each failure, ms
            F                | 100
            FF               | 100 200
            FFFFFFFF         | 100 200 400 800 1600 3200 6400 10000
            FFFFFFFFFFF      | 100 200 400 800 1600 3200 6400 10000 10000 10000 10000
            FFFSF            | 100 200 400 100
            FFFFFFFFFSFF     | 100 200 400 800 1600 3200 6400 10000 10000 100 200
            FSFSF            | 100 100 100
            SSF              | 100
            """)
    void theLongestWaitDoublesPerFailureUpToTheCapAndStartsOverAfterASuccess(String attempts, String ceilings) {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), HIGHEST);
        List<Long> waits = new ArrayList<>();
        for (char attempt : attempts.toCharArray()) {
            if (attempt == 'F') {
                waits.add(backoff.afterFailure().toMillis());
            } else {
                backoff.afterSuccess();
            }
        }
        assertThat(waits).containsExactlyElementsOf(Arrays.stream(ceilings.split(" ")).map(Long::valueOf).toList());
    }

    @Test
    void theShortestWaitIsNone() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), LOWEST);
        for (int failure = 1; failure < 40; failure++) {
            assertThat(backoff.afterFailure()).isZero();
        }
    }

    @Test
    void waitsStayWithinTheirCeilingAndAreJittered() {
        Backoff backoff = Backoff.forReconnects();
        for (int failure = 1; failure < 100; failure++) {
            long ceiling = backoff.ceiling(failure).toMillis();
            assertThat(backoff.afterFailure().toMillis()).as("failure %d", failure).isBetween(0L, ceiling);
        }
        assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.ceiling(99)).isEqualTo(Duration.ofSeconds(2));
        long distinct = IntStream.range(0, 100).mapToLong(i -> backoff.afterFailure().toMillis()).distinct().count();
        assertThat(distinct).as("jittered, so replicas do not reconnect in step").isGreaterThan(50);
    }

    @Test
    void refusesAWaitThatCannotGrow() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), LOWEST))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), LOWEST))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
