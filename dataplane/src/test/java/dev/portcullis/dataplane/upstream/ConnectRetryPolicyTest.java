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

    @ParameterizedTest(name = "{0}, body {1}, resent before {2}: resend = {3}")
    @CsvSource({"GET, false, false, true", "HEAD, false, false, true", "PUT, false, false, true", "DELETE, false, false, true",
            "GET, false, true, false", "GET, true, false, false", "POST, false, false, false", "PATCH, false, false, false",
            "CONNECT, false, false, false"})
    void onlyBodilessIdempotentRequestsAreResentOnce(String method, boolean body, boolean resent, boolean resend) {
        assertThat(ConnectRetryPolicy.resendAfterSilentClose(method, body, resent)).isEqualTo(resend);
    }

    @ParameterizedTest(name = "refused unprocessed, body {0}, resent before {1}: resend = {2}")
    @CsvSource({"false, false, true", "true, false, false", "false, true, false"})
    void aRequestNeverProcessedIsResentOnceWhateverItsMethodUnlessItsBodyIsGone(boolean body, boolean resent, boolean resend) {
        assertThat(ConnectRetryPolicy.resendUnprocessed(body, resent)).isEqualTo(resend);
    }
}
