package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.config.ClientAddressSettings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The client a trusted proxy's X-Forwarded-For names, as a table. */
class ClientAddressRulesTest {

    @ParameterizedTest(name = "peer {0}, X-Forwarded-For {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            127.0.0.1  | 203.0.113.9                          | 203.0.113.9
            127.0.0.1  | 198.51.100.1, 203.0.113.9, 10.1.2.3  | 203.0.113.9
            127.0.0.1  | 10.1.2.3; 10.9.9.9                   | 10.1.2.3
            127.0.0.2  | 203.0.113.9                          | 127.0.0.2
            127.0.0.1  | 203.0.113.9, not-an-address, 10.1.2.3 | 10.1.2.3
            127.0.0.1  | 198.51.100.1; 10.1.2.3               | 198.51.100.1
            """)
    void theClientBehindATrustedProxy(String peer, String forwardedFor, String client) throws Exception {
        ClientAddressRules rules = ClientAddressRules.of(new ClientAddressSettings(List.of(), List.of("127.0.0.1/32", "10.0.0.0/8")));
        List<String> headers = Arrays.stream(forwardedFor.split(";")).map(String::strip).toList();
        assertThat(rules.clientBehind(InetAddress.getByName(peer), headers).getHostAddress()).isEqualTo(client);
    }
}
