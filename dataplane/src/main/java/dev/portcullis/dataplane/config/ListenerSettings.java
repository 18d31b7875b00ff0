package dev.portcullis.dataplane.config;

/**
 * Settings of the TLS listener as a whole (not of one host): they travel in the Snapshot, so
 * changing one is a snapshot swap, never a restart.
 *
 * @param minTlsVersion the lowest TLS version offered to clients: "1.2" (1.2 and 1.3) or "1.3"
 * @param limits        deadlines and connection caps of both listeners
 */
public record ListenerSettings(String minTlsVersion,
                               @com.fasterxml.jackson.annotation.JsonInclude(
                                       value = com.fasterxml.jackson.annotation.JsonInclude.Include.CUSTOM,
                                       valueFilter = OmitDefaultLimits.class) Limits limits) {

    public static final ListenerSettings DEFAULTS = new ListenerSettings("1.2", Limits.DEFAULTS);

    public ListenerSettings {
        minTlsVersion = minTlsVersion == null ? "1.2" : minTlsVersion;
        limits = limits == null ? Limits.DEFAULTS : limits;
    }

    public ListenerSettings(String minTlsVersion) {
        this(minTlsVersion, Limits.DEFAULTS);
    }

    /** Jackson's {@code CUSTOM} inclusion filter: default limits are left out of the JSON. */
    public static final class OmitDefaultLimits {
        @Override
        public boolean equals(Object value) {
            return value == null || Limits.DEFAULTS.equals(value);
        }

        @Override
        public int hashCode() {
            return Limits.DEFAULTS.hashCode();
        }
    }

    /** Jackson's {@code CUSTOM} inclusion filter: the defaults are left out of the JSON. */
    public static final class OmitDefaults {
        @Override
        public boolean equals(Object value) {
            return value == null || DEFAULTS.equals(value);
        }

        @Override
        public int hashCode() {
            return DEFAULTS.hashCode();
        }
    }
}
