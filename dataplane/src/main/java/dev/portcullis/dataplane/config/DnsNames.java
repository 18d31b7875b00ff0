package dev.portcullis.dataplane.config;

import java.util.regex.Pattern;

/** The one definition of a DNS name here: lowercase labels of 1 to 63 characters, 253 in all. */
public final class DnsNames {

    public static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern NAME = Pattern.compile(LABEL.pattern() + "(\\." + LABEL.pattern() + ")*");
    private static final Pattern HOST = Pattern.compile("(\\*\\.)?" + NAME.pattern());

    private DnsNames() {
    }

    /** A lowercase DNS name such as {@code web.shop.svc}. */
    public static boolean isName(String value) {
        return value != null && value.length() <= 253 && NAME.matcher(value).matches();
    }

    /** A DNS name, or a {@code *.} wildcard of one label in front of one (as Ingress rules write hosts). */
    public static boolean isHost(String value) {
        return value != null && value.length() <= 253 && HOST.matcher(value).matches();
    }
}
