package dev.portcullis.dataplane.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of CIDR ranges (IPv4 and IPv6; a bare address is a /32 or /128), parsed once and matched
 * without allocating. An IPv4-mapped IPv6 client address ({@code ::ffff:10.0.0.1}) matches IPv4 ranges.
 */
public final class AddressRanges {

    public static final AddressRanges NONE = new AddressRanges(List.of(), List.of());

    private record Range(byte[] network, int prefixLength) {
    }

    private final List<String> written;
    private final Range[] ranges;

    private AddressRanges(List<String> written, List<Range> ranges) {
        this.written = List.copyOf(written);
        this.ranges = ranges.toArray(Range[]::new);
    }

    /** The ranges as written, each checked: an entry that is not an IP literal with a sane prefix fails. */
    public static AddressRanges parse(List<String> cidrs) {
        if (cidrs == null || cidrs.isEmpty()) {
            return NONE;
        }
        List<Range> ranges = new ArrayList<>();
        for (String cidr : cidrs) {
            ranges.add(range(cidr));
        }
        return new AddressRanges(cidrs, ranges);
    }

    /** The problem with one entry, or {@code null} when it is a valid CIDR or address. */
    public static String problemOf(String cidr) {
        try {
            range(cidr);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static Range range(String cidr) {
        String text = cidr == null ? "" : cidr.strip();
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        InetAddress parsed = IpLiteral.parse(address).orElseThrow(() ->
                new IllegalArgumentException("\"" + cidr + "\" is not an IP address or CIDR range"));
        byte[] bytes = parsed.getAddress();
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String length = text.substring(slash + 1);
            if (!length.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(length) > max) {
                throw new IllegalArgumentException("\"" + cidr + "\" has a prefix length outside 0.." + max);
            }
            prefix = Integer.parseInt(length);
        }
        return new Range(bytes, prefix);
    }

    public boolean isEmpty() {
        return ranges.length == 0;
    }

    public List<String> written() {
        return written;
    }

    public boolean contains(InetAddress address) {
        if (ranges.length == 0 || address == null) {
            return false;
        }
        byte[] bytes = address.getAddress();
        byte[] v4 = mappedIpv4(bytes);
        for (Range range : ranges) {
            if (matches(range, bytes) || (v4 != null && matches(range, v4))) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(Range range, byte[] address) {
        if (range.network().length != address.length) {
            return false;
        }
        int whole = range.prefixLength() / 8;
        for (int i = 0; i < whole; i++) {
            if (range.network()[i] != address[i]) {
                return false;
            }
        }
        int rest = range.prefixLength() % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (range.network()[whole] & mask) == (address[whole] & mask);
    }

    private static byte[] mappedIpv4(byte[] address) {
        if (address.length != 16) {
            return null;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return null;
            }
        }
        if (address[10] != (byte) 0xFF || address[11] != (byte) 0xFF) {
            return null;
        }
        return new byte[] {address[12], address[13], address[14], address[15]};
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AddressRanges ranges && written.equals(ranges.written);
    }

    @Override
    public int hashCode() {
        return written.hashCode();
    }

    @Override
    public String toString() {
        return written.toString();
    }
}
