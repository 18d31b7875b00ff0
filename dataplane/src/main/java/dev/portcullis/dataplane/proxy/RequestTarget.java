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
}
