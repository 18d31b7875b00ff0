package dev.portcullis.dataplane.config;

/**
 * The access log: one line per request (and per passthrough connection) to standard output.
 *
 * @param enabled      whether lines are written at all (on by default, as nginx and HAProxy users expect)
 * @param format       {@code json} (one JSON object per line) or {@code text} (space-separated fields, the
 *                     order of the JSON fields, {@code -} for an empty one)
 * @param sampleRatio  the share of requests logged, 0 to 1; responses of 500 and above are always logged
 * @param includeQuery whether the path is logged with its query (off: queries often carry tokens)
 */
public record AccessLogSettings(Boolean enabled, String format, Double sampleRatio, Boolean includeQuery) {

    public static final String JSON = "json";
    public static final String TEXT = "text";
    public static final AccessLogSettings DEFAULT = new AccessLogSettings(true, JSON, 1.0, false);
    public static final AccessLogSettings OFF = new AccessLogSettings(false, JSON, 1.0, false);

    /** What a snapshot leaves out keeps its default: on, JSON, every request, no query. */
    public AccessLogSettings {
        enabled = enabled == null || enabled;
        format = format == null ? JSON : format;
        sampleRatio = sampleRatio == null ? 1.0 : sampleRatio;
        includeQuery = includeQuery != null && includeQuery;
    }

    /** One message per setting out of range. */
    public java.util.List<String> problems() {
        java.util.List<String> problems = new java.util.ArrayList<>();
        if (!format.equals(JSON) && !format.equals(TEXT)) {
            problems.add("listener.accessLog.format is \"" + format + "\"; use json or text");
        }
        if (!(sampleRatio >= 0 && sampleRatio <= 1)) {
            problems.add("listener.accessLog.sampleRatio is " + sampleRatio + "; use a number from 0 to 1");
        }
        return problems;
    }

    /** Jackson's {@code CUSTOM} inclusion filter: the default is left out of the JSON. */
    public static final class OmitDefault {
        @Override
        public boolean equals(Object value) {
            return value == null || DEFAULT.equals(value);
        }

        @Override
        public int hashCode() {
            return DEFAULT.hashCode();
        }
    }
}
