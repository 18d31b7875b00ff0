package dev.portcullis.dataplane.access;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Pre-parsed prefix tables: IPv4 and IPv6, every prefix length, deny over allow. */
class SourceRangesTest {

    @ParameterizedTest(name = "allow {0} deny {1}: {2} admitted {3}")
    @CsvSource(delimiter = '|', value = {
            "10.0.0.0/8 | '' | 10.255.1.2 | true",
            "10.0.0.0/8 | '' | 11.0.0.1 | false",
            "10.0.0.0/8 | 10.1.0.0/16 | 10.1.2.3 | false",
            "10.0.0.0/8 | 10.1.0.0/16 | 10.2.2.3 | true",
            "'' | 203.0.113.0/24 | 203.0.113.9 | false",
            "'' | 203.0.113.0/24 | 198.51.100.1 | true",
            "192.168.1.7/32 | '' | 192.168.1.7 | true",
            "192.168.1.7/32 | '' | 192.168.1.8 | false",
            "0.0.0.0/0 | '' | 1.2.3.4 | true",
            "0.0.0.0/0 | '' | ::1 | false",
            "2001:db8::/32 | '' | 2001:db8:ffff::1 | true",
            "2001:db8::/32 | '' | 2001:db9::1 | false",
            "2001:db8::/32 | 2001:db8::1/128 | 2001:db8::1 | false",
            "2001:db8::/32 | 2001:db8::1/128 | 2001:db8::2 | true",
            "2001:db8:0:0:8000::/65 | '' | 2001:db8::8000:0:0:1 | true",
            "2001:db8:0:0:8000::/65 | '' | 2001:db8::7fff:0:0:1 | false",
            "::/0 | '' | fe80::1 | true",
            "::/0 | '' | 10.0.0.1 | false",
            "127.0.0.2/31 | '' | 127.0.0.3 | true",
            "127.0.0.2/31 | '' | 127.0.0.4 | false",
    })
    void admits(String allow, String deny, String client, boolean admitted) throws Exception {
        SourceRanges ranges = SourceRanges.of(list(allow), list(deny));
        assertThat(ranges.admits(InetAddress.getByName(client))).isEqualTo(admitted);
    }

    @ParameterizedTest
    @CsvSource({"10.0.0.0/8", "2001:db8::/32"})
    void anUnknownAddressIsNeverAdmitted(String allow) {
        assertThat(SourceRanges.of(List.of(allow), List.of()).admits(null)).isFalse();
    }

    private static List<String> list(String text) {
        return text.isEmpty() ? List.of() : Arrays.asList(text.split(","));
    }
}
