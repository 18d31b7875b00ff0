package dev.portcullis.dataplane.upstream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectRetryPolicyTest {

    @ParameterizedTest(name = "after {0} failed of {1} endpoints: try another = {2}")
    @CsvSource({"1, 1, false", "1, 2, true", "2, 2, false", "1, 5, true", "2, 5, true", "3, 5, false", "3, 3, false", "0, 0, false"})
    void triesEachEndpointOnceUpToThreeAttempts(int attempts, int endpoints, boolean tryAnother) {
        assertThat(ConnectRetryPolicy.tryAnother(attempts, endpoints)).isEqualTo(tryAnother);
    }
}
