package dev.portcullis.dataplane.config;

import java.util.regex.Pattern;

/**
 * The one definition of a DNS name here: lowercase labels of 1 to 63 characters, 253 in all. The
 * patterns say it; {@link #isName} and {@link #isHost} check it by hand, since translation asks
 * several times per Ingress rule (at 10,000 Ingresses the regex engine was a tenth of a translation).
 */
public final class DnsNames {

    public static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    static final Pattern NAME = Pattern.compile(LABEL.pattern() + "(\\." + LABEL.pattern() + ")*");
    static final Pattern HOST = Pattern.compile("(\\*\\.)?" + NAME.pattern());

    private static final int MAX_NAME = 253;
    private static final int MAX_LABEL = 63;

    private DnsNames() {
    }

    /** A lowercase DNS name such as {@code web.shop.svc}. */
    public static boolean isName(String value) {
        return value != null && value.length() <= MAX_NAME && labels(value, 0);
    }

    /** A DNS name, or a {@code *.} wildcard of one label in front of one (as Ingress rules write hosts). */
    public static boolean isHost(String value) {
        if (value == null || value.length() > MAX_NAME) {
            return false;
        }
        return value.startsWith("*.") ? labels(value, 2) : labels(value, 0);
    }

    /** Whether {@code value} from {@code start} is dot-separated labels matching {@link #LABEL}. */
    private static boolean labels(String value, int start) {
        int labelStart = start;
        for (int i = start; i <= value.length(); i++) {
            char c = i == value.length() ? '.' : value.charAt(i);
            if (c == '.') {
                int length = i - labelStart;
                if (length == 0 || length > MAX_LABEL || value.charAt(labelStart) == '-' || value.charAt(i - 1) == '-') {
                    return false;
                }
                labelStart = i + 1;
            } else if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
