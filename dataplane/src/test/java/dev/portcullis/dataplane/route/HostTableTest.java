package dev.portcullis.dataplane.route;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HostTableTest {

    private final HostTable<String> table = HostTable.of(Map.of(
            "app.example.test", "app",
            "*.wild.example.test", "wild",
            "exact.wild.example.test", "exact-beats-wildcard"));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "none", value = {
            "app.example.test,           app",
            "APP.Example.TEST,           app",
            "one.wild.example.test,      wild",
            "exact.wild.example.test,    exact-beats-wildcard",
            "wild.example.test,          none",
            "deep.one.wild.example.test, none",
            "other.example.test,         none",
            "'',                         none",
    })
    void exactThenSingleLabelWildcard(String host, String expected) {
        assertThat(table.find(host)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "Host: {0} -> {1}")
    @CsvSource({
            "app.example.test,       app.example.test",
            "app.example.test:8443,  app.example.test",
            "app.example.test.,      app.example.test",
            "[::1]:8443,             ::1",
            "127.0.0.1:80,           127.0.0.1",
    })
    void hostHeadersLoseTheirPort(String header, String host) {
        assertThat(HostTable.hostWithoutPort(header)).isEqualTo(host);
    }
}
