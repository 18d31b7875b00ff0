package dev.portcullis.dataplane.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network as source-range lists write it ({@code 10.0.0.0/8}, {@code 2001:db8::/32});
 * a bare address is the network of that one address ({@code /32}, {@code /128}). Only literals are
 * read: no name is ever looked up.
 *
 * @param address the address as written before the slash, parsed
 * @param prefix  the prefix length
 */
public record Cidr(InetAddress address, int prefix) {

    private static final Pattern PREFIX_LENGTH = Pattern.compile("0|[1-9]\\d{0,2}");

    public boolean ipv4() {
        return address instanceof Inet4Address;
    }

    /** One entry; {@link IllegalArgumentException} says what is wrong with it. */
    public static Cidr parse(String text) {
        String entry = text == null ? "" : text.trim();
        int slash = entry.indexOf('/');
        String literal = slash < 0 ? entry : entry.substring(0, slash);
        String prefix = slash < 0 ? null : entry.substring(slash + 1);
        InetAddress parsed = IpLiteral.parse(literal).orElse(null);
        // Java turns an IPv4-mapped literal (::ffff:a.b.c.d) into IPv4, where its prefix length would
        // mean something else: such an entry is not read as either family.
        if (parsed == null || (literal.contains(":") && parsed instanceof Inet4Address)) {
            throw new IllegalArgumentException("\"" + entry + "\" is not an IPv4 or IPv6 address or network");
        }
        int bits = parsed instanceof Inet4Address ? 32 : 128;
        if (prefix != null && (!PREFIX_LENGTH.matcher(prefix).matches() || Integer.parseInt(prefix) > bits)) {
            throw new IllegalArgumentException("\"" + entry + "\" has a prefix length outside 0-" + bits);
        }
        return new Cidr(parsed, prefix == null ? bits : Integer.parseInt(prefix));
    }

    /** A comma-separated list (blanks around entries are allowed, empty entries are not). */
    public static List<Cidr> parseList(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the list is empty");
        }
        List<Cidr> networks = new ArrayList<>();
        for (String entry : text.split(",", -1)) {
            networks.add(parse(entry));
        }
        return List.copyOf(networks);
    }

    /** Each entry's problem, "" for none: what {@link SnapshotValidator} reports. */
    static List<String> problems(List<String> entries) {
        List<String> problems = new ArrayList<>();
        for (String entry : entries) {
            try {
                parse(entry);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }

    /** The canonical text: {@code 10.0.0.0/8}, {@code 2001:db8::1/128} (RFC 5952's shortest IPv6 form). */
    @Override
    public String toString() {
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            return address.getHostAddress() + "/" + prefix;
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xFF) << 8) | (bytes[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not shortened
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text + "/" + prefix;
    }
}
