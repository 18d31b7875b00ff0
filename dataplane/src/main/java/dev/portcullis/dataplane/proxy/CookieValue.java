package dev.portcullis.dataplane.proxy;

/** Finds one cookie in a {@code Cookie} header ({@code a=1; b="2"}) without regex or splitting. */
final class CookieValue {

    private CookieValue() {
    }

    /** The value of the first cookie called {@code name} (quotes removed), or {@code null}. */
    static String find(String header, String name) {
        int length = header.length();
        int at = 0;
        while (at < length) {
            while (at < length && (header.charAt(at) == ' ' || header.charAt(at) == ';' || header.charAt(at) == '\t')) {
                at++;
            }
            int end = header.indexOf(';', at);
            if (end < 0) {
                end = length;
            }
            int equals = header.indexOf('=', at);
            if (equals > at && equals < end && equals - at == name.length() && header.regionMatches(at, name, 0, name.length())) {
                int valueStart = equals + 1;
                int valueEnd = end;
                while (valueEnd > valueStart && header.charAt(valueEnd - 1) == ' ') {
                    valueEnd--;
                }
                if (valueEnd - valueStart >= 2 && header.charAt(valueStart) == '"' && header.charAt(valueEnd - 1) == '"') {
                    valueStart++;
                    valueEnd--;
                }
                return header.substring(valueStart, valueEnd);
            }
            at = end + 1;
        }
        return null;
    }
}
