package dev.portcullis.dataplane.route;

import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Finds the entry for a host name: the exact name first, then {@code *.parent} for a name with
 * exactly one more label than {@code parent}, then the catch-all entry {@code *} if there is one.
 * Names are compared case-insensitively.
 */
public final class HostTable<T> {

    private static final String ANY = "*";

    private final Map<String, T> exact;
    private final Map<String, T> wildcardByParent;
    private final T any;

    private HostTable(Map<String, T> exact, Map<String, T> wildcardByParent, T any) {
        this.exact = exact;
        this.wildcardByParent = wildcardByParent;
        this.any = any;
    }

    public static <T> HostTable<T> of(Map<String, T> byHostname) {
        Map<String, T> exact = new HashMap<>();
        Map<String, T> wildcard = new HashMap<>();
        T any = byHostname.get(ANY);
        byHostname.forEach((hostname, value) -> {
            String name = hostname.toLowerCase(Locale.ROOT);
            if (name.equals(ANY)) {
                return;
            }
            if (name.startsWith("*.")) {
                wildcard.put(name.substring(2), value);
            } else {
                exact.put(name, value);
            }
        });
        return new HostTable<>(Map.copyOf(exact), Map.copyOf(wildcard), any);
    }

    /**
     * This table with the entries of {@code removed} host names taken out, then {@code upserted} put in
     * (host names as {@link #of} takes them): a copy, in time proportional to the table's size but with
     * no work per entry beyond copying, for a delta that touched a few hosts.
     */
    public HostTable<T> with(Map<String, T> upserted, Iterable<String> removed) {
        Map<String, T> nextExact = new HashMap<>(exact);
        Map<String, T> nextWildcard = new HashMap<>(wildcardByParent);
        T nextAny = any;
        for (String hostname : removed) {
            String name = hostname.toLowerCase(Locale.ROOT);
            if (name.equals(ANY)) {
                nextAny = null;
            } else if (name.startsWith("*.")) {
                nextWildcard.remove(name.substring(2));
            } else {
                nextExact.remove(name);
            }
        }
        for (Map.Entry<String, T> entry : upserted.entrySet()) {
            String name = entry.getKey().toLowerCase(Locale.ROOT);
            if (name.equals(ANY)) {
                nextAny = entry.getValue();
            } else if (name.startsWith("*.")) {
                nextWildcard.put(name.substring(2), entry.getValue());
            } else {
                nextExact.put(name, entry.getValue());
            }
        }
        return new HostTable<>(Collections.unmodifiableMap(nextExact), Collections.unmodifiableMap(nextWildcard), nextAny);
    }

    /** The entry for a host name (lowercase or not, no port), or {@code null}. */
    public T find(String hostname) {
        T value = findNamed(hostname);
        return value != null ? value : any;
    }

    /** Like {@link #find} but without the catch-all: for SNI, where only a named host picks a certificate. */
    public T findNamed(String hostname) {
        if (hostname == null || hostname.isEmpty()) {
            return null;
        }
        String name = hostname.toLowerCase(Locale.ROOT);
        T value = exact.get(name);
        if (value != null || wildcardByParent.isEmpty()) {
            return value;
        }
        int firstDot = name.indexOf('.');
        return firstDot <= 0 ? null : wildcardByParent.get(name.substring(firstDot + 1));
    }

    /** The host part of a Host header: without the port, and without brackets around an IPv6 address. */
    public static String hostWithoutPort(String hostHeader) {
        if (hostHeader == null) {
            return null;
        }
        if (hostHeader.startsWith("[")) {
            int close = hostHeader.indexOf(']');
            return close < 0 ? hostHeader : hostHeader.substring(1, close);
        }
        int colon = hostHeader.lastIndexOf(':');
        String host = colon < 0 ? hostHeader : hostHeader.substring(0, colon);
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }
}
