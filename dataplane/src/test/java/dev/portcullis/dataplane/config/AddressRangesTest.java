package dev.portcullis.dataplane.config;

import dev.portcullis.dataplane.runtime.ClientAddressRules;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** CIDR matching and the client a trusted proxy's X-Forwarded-For names, as tables. */
class AddressRangesTest {

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            10.0.0.0/8              | 10.255.1.2          | true
            10.0.0.0/8              | 11.0.0.1            | false
            192.168.1.128/25        | 192.168.1.200       | true
            192.168.1.128/25        | 192.168.1.127       | false
            203.0.113.7             | 203.0.113.7         | true
            203.0.113.7             | 203.0.113.8         | false
            0.0.0.0/0               | 198.51.100.1        | true
            0.0.0.0/0               | 2001:db8::1         | false
            2001:db8::/32           | 2001:db8:ffff::1    | true
            2001:db8::/32           | 2001:db9::1         | false
            10.0.0.0/8              | ::ffff:10.1.2.3     | true
            ::/0                    | ::1                 | true
            """)
    void matches(String cidr, String address, boolean expected) throws Exception {
        assertThat(AddressRanges.parse(List.of(cidr)).contains(InetAddress.getByName(address))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            10.0.0.0/33     | "10.0.0.0/33" has a prefix length outside 0..32
            2001:db8::/129  | "2001:db8::/129" has a prefix length outside 0..128
            10.0.0.0/-1     | "10.0.0.0/-1" has a prefix length outside 0..32
            10.0.0.0/08     | "10.0.0.0/08" has a prefix length outside 0..32
            lb.example.com  | "lb.example.com" is not an IP address or CIDR range
            10.0.0          | "10.0.0" is not an IP address or CIDR range
            """)
    void refusesWhatIsNotARange(String cidr, String problem) {
        assertThat(AddressRanges.problemOf(cidr)).isEqualTo(problem);
    }

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
