package dev.portcullis.dataplane.config;

import java.util.List;

/**
 * Settings of the TLS listener as a whole (not of one host): they travel in the Snapshot, so
 * changing one is a snapshot swap, never a restart.
 *
 * @param minTlsVersion the lowest TLS version offered to clients: "1.2" (1.2 and 1.3) or "1.3"
 * @param limits        deadlines and connection caps of both listeners
 * @param ciphers       the TLS 1.2 suites offered by default, by IANA name ({@code null}: Mozilla's
 *                      intermediate profile, {@code ServerSslContexts.CIPHERS})
 * @param hsts          the {@code Strict-Transport-Security} of hosts that set none of their own
 *                      (ingress-nginx's default, {@link Hsts#DEFAULT}, when left out)
 * @param clientAddress which peers' PROXY headers and {@code X-Forwarded-For} are believed (nobody's by default)
 * @param accessLog     the access log's settings (JSON lines to standard output by default)
 * @param drain         how the data plane stops: delay before the listeners close, and the grace for what is in flight
 */
public record ListenerSettings(String minTlsVersion,
                               @com.fasterxml.jackson.annotation.JsonInclude(
                                       value = com.fasterxml.jackson.annotation.JsonInclude.Include.CUSTOM,
                                       valueFilter = OmitDefaultLimits.class) Limits limits,
                               List<String> ciphers,
                               @com.fasterxml.jackson.annotation.JsonInclude(
                                       value = com.fasterxml.jackson.annotation.JsonInclude.Include.CUSTOM,
                                       valueFilter = OmitDefaultHsts.class) Hsts hsts,
                               @com.fasterxml.jackson.annotation.JsonInclude(
                                       value = com.fasterxml.jackson.annotation.JsonInclude.Include.CUSTOM,
                                       valueFilter = ClientAddressSettings.OmitNone.class) ClientAddressSettings clientAddress,
                               @com.fasterxml.jackson.annotation.JsonInclude(
                                       value = com.fasterxml.jackson.annotation.JsonInclude.Include.CUSTOM,
                                       valueFilter = AccessLogSettings.OmitDefault.class) AccessLogSettings accessLog,
                               @com.fasterxml.jackson.annotation.JsonInclude(
                                       value = com.fasterxml.jackson.annotation.JsonInclude.Include.CUSTOM,
                                       valueFilter = DrainSettings.OmitDefault.class) DrainSettings drain) {

    public static final ListenerSettings DEFAULTS = new ListenerSettings("1.2", Limits.DEFAULTS);

    public ListenerSettings {
        minTlsVersion = minTlsVersion == null ? "1.2" : minTlsVersion;
        limits = limits == null ? Limits.DEFAULTS : limits;
        ciphers = ciphers == null ? null : List.copyOf(ciphers);
        hsts = hsts == null ? Hsts.DEFAULT : hsts;
        clientAddress = clientAddress == null ? ClientAddressSettings.NONE : clientAddress;
        accessLog = accessLog == null ? AccessLogSettings.DEFAULT : accessLog;
        drain = drain == null ? DrainSettings.DEFAULT : drain;
    }

    public ListenerSettings(String minTlsVersion, Limits limits, List<String> ciphers, Hsts hsts) {
        this(minTlsVersion, limits, ciphers, hsts, null, null, null);
    }

    public ListenerSettings withLimits(Limits replacement) {
        return new ListenerSettings(minTlsVersion, replacement, ciphers, hsts, clientAddress, accessLog, drain);
    }

    public ListenerSettings(String minTlsVersion) {
        this(minTlsVersion, Limits.DEFAULTS);
    }

    public ListenerSettings(String minTlsVersion, Limits limits) {
        this(minTlsVersion, limits, null, null);
    }

    /** Jackson's {@code CUSTOM} inclusion filter: the default HSTS is left out of the JSON. */
    public static final class OmitDefaultHsts {
        @Override
        public boolean equals(Object value) {
            return value == null || Hsts.DEFAULT.equals(value);
        }

        @Override
        public int hashCode() {
            return Hsts.DEFAULT.hashCode();
        }
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
