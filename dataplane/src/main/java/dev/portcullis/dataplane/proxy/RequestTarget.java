package dev.portcullis.dataplane.proxy;

/** Reads the parts of a request-target (RFC 9112 3.2) that routing needs. */
public final class RequestTarget {
    private RequestTarget() {
    }

    /** The path of an origin-form or absolute-form target, without query or fragment. */
    public static String path(String uri) {
        int start = 0;
        int schemeEnd = uri.indexOf("://");
        if (!uri.startsWith("/") && schemeEnd > 0) {
            start = uri.indexOf('/', schemeEnd + 3);
            if (start < 0) {
                return "/";
            }
        }
        int end = uri.length();
        for (int i = start; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        return uri.substring(start, end);
    }

    /** The authority of an absolute-form target, which takes precedence over Host; else {@code null}. */
    public static String authority(String uri) {
        int schemeEnd = uri.indexOf("://");
        if (uri.startsWith("/") || schemeEnd <= 0) {
            return null;
        }
        int start = schemeEnd + 3;
        int end = start;
        while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
            end++;
        }
        return uri.substring(start, end);
    }

    /**
     * The path as routing must see it and the pod must receive it (RFC 3986 6.2.2): percent-encoded
     * unreserved bytes decoded, other escapes upper-cased and kept (so {@code %2F} stays inside its
     * segment), then dot-segments removed, so {@code /public/%2e%2e/internal} is {@code /internal}
     * and cannot be routed as if it were under {@code /public}. {@code null} when the path cannot
     * mean one thing: a control byte, NUL (raw or {@code %00}), a bad escape, a fragment.
     */
    public static String normalizedPath(String path) {
        if (path.isEmpty() || path.charAt(0) != '/') {
            return null;
        }
        if (isNormal(path)) {
            return path;
        }
        StringBuilder decoded = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c <= 0x20 || c == 0x7f || c == '#') {
                return null;
            }
            if (c != '%') {
                decoded.append(c);
                continue;
            }
            if (i + 2 >= path.length()) {
                return null;
            }
            int high = Character.digit(path.charAt(i + 1), 16);
            int low = Character.digit(path.charAt(i + 2), 16);
            if (high < 0 || low < 0 || (high == 0 && low == 0)) {
                return null;
            }
            char escaped = (char) (high << 4 | low);
            if (isUnreserved(escaped)) {
                decoded.append(escaped);
            } else {
                decoded.append('%').append(Character.toUpperCase(path.charAt(i + 1)))
                        .append(Character.toUpperCase(path.charAt(i + 2)));
            }
            i += 2;
        }
        return removeDotSegments(decoded.toString());
    }

    /**
     * Whether {@link #normalizedPath} would give the path back unchanged, which most paths are: no
     * escape, no dot-segment, no control byte. Checked first so that they are not copied per request.
     */
    private static boolean isNormal(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c <= 0x20 || c == 0x7f || c == '#' || c == '%' || c >= 0x80
                    || (c == '.' && path.charAt(i - 1) == '/')) { // a segment that starts with a dot may be . or ..
                return false;
            }
        }
        return true;
    }

    /** Whether the query (without its {@code ?}) holds no control byte or NUL. */
    public static boolean isCleanQuery(String uri) {
        int query = uri.indexOf('?');
        for (int i = query + 1; query >= 0 && i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= 0x20 || c == 0x7f || c == '#') {
                return false;
            }
        }
        return !uri.contains("%00");
    }

    /** The query of a target with its {@code ?}, or an empty string. */
    public static String query(String uri) {
        int query = uri.indexOf('?');
        return query < 0 ? "" : uri.substring(query);
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    /** RFC 3986 5.2.4 on an absolute path: a {@code ..} at the root stays at the root. */
    private static String removeDotSegments(String path) {
        java.util.ArrayDeque<String> segments = new java.util.ArrayDeque<>();
        int start = 1;
        while (start <= path.length()) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            String segment = path.substring(start, end);
            boolean last = end == path.length();
            if (segment.equals("..")) {
                segments.pollLast();
                if (last) {
                    segments.add("");
                }
            } else if (segment.equals(".")) {
                if (last) {
                    segments.add("");
                }
            } else {
                segments.add(segment);
            }
            start = end + 1;
        }
        return "/" + String.join("/", segments);
    }
}
