package dev.portcullis.dataplane.cli;

import dev.portcullis.dataplane.config.LimitOverrides;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/**
 * Deadlines and caps on the command line (a picocli mixin). Each one given replaces the value the
 * served snapshot carries (a DataPlane's {@code spec.limits}); the defaults are the README's
 * "Limits and timeouts". Durations take ms, s, m or h (a bare number is seconds); sizes take k or m
 * (a bare number is bytes), as nginx does.
 */
public final class LimitOptions {

    @Option(names = "--request-head-timeout", paramLabel = "DURATION", converter = Millis.class,
            description = "Time for a whole request head; then 408 and close. Default: 10s.")
    Long requestHead;

    @Option(names = "--keep-alive-timeout", paramLabel = "DURATION", converter = Millis.class,
            description = "Idle time between requests (HTTP/2: without streams) before a connection closes. Default: 60s.")
    Long keepAlive;

    @Option(names = "--body-idle-timeout", paramLabel = "DURATION", converter = Millis.class,
            description = "Longest silence inside a request or response body, either way. Default: 60s.")
    Long bodyIdle;

    @Option(names = "--response-start-timeout", paramLabel = "DURATION", converter = Millis.class,
            description = "An endpoint's time to start its response once it has the whole request; then 504. Default: 60s.")
    Long responseStart;

    @Option(names = "--write-stall-timeout", paramLabel = "DURATION", converter = Millis.class,
            description = "How long a client may leave a response unread before it is cut. Default: 60s.")
    Long writeStall;

    @Option(names = "--tls-handshake-timeout", paramLabel = "DURATION", converter = Millis.class,
            description = "Time for a ClientHello, and again for the rest of the handshake. Default: 10s.")
    Long tlsHandshake;

    @Option(names = "--max-connections", paramLabel = "N", converter = Count.class,
            description = "Open client connections per listener. Default: a quarter of the free file descriptors.")
    Integer maxConnections;

    @Option(names = "--max-connections-per-client", paramLabel = "N", converter = Count.class,
            description = "Open connections per client address. Default: 1024.")
    Integer maxConnectionsPerClient;

    @Option(names = "--max-request-line", paramLabel = "SIZE", converter = Bytes.class,
            description = "Longest request line; longer gets 414. Default: 8k.")
    Integer maxRequestLine;

    @Option(names = "--max-header-size", paramLabel = "SIZE", converter = Bytes.class,
            description = "Most bytes of a request's header fields; more gets 431. Default: 32k.")
    Integer maxHeaderSize;

    public LimitOverrides overrides() {
        return new LimitOverrides(requestHead, keepAlive, bodyIdle, responseStart, writeStall, tlsHandshake,
                maxConnections, maxConnectionsPerClient, maxRequestLine, maxHeaderSize);
    }

    /** A duration: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, or a bare number of seconds; at least 1 ms. */
    public static final class Millis implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String text = value.trim().toLowerCase(Locale.ROOT);
            long unit = 1000;
            if (text.endsWith("ms")) {
                unit = 1;
                text = text.substring(0, text.length() - 2);
            } else if (text.endsWith("s")) {
                text = text.substring(0, text.length() - 1);
            } else if (text.endsWith("m")) {
                unit = 60_000;
                text = text.substring(0, text.length() - 1);
            } else if (text.endsWith("h")) {
                unit = 3_600_000;
                text = text.substring(0, text.length() - 1);
            }
            long amount = positive(text, value, "a duration such as 500ms, 10s, 2m or 1h");
            if (amount > Long.MAX_VALUE / unit / 1_000_000) { // stays a valid nanosecond count for the timers
                throw new TypeConversionException("'" + value + "' is too long a duration");
            }
            return amount * unit;
        }
    }

    /** A size: {@code 8k}, {@code 1m}, or a bare number of bytes; at least 1. */
    public static final class Bytes implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            String text = value.trim().toLowerCase(Locale.ROOT);
            long unit = 1;
            if (text.endsWith("k")) {
                unit = 1024;
                text = text.substring(0, text.length() - 1);
            } else if (text.endsWith("m")) {
                unit = 1024 * 1024;
                text = text.substring(0, text.length() - 1);
            }
            long bytes = positive(text, value, "a size such as 512, 8k or 1m") * unit;
            if (bytes > Integer.MAX_VALUE) {
                throw new TypeConversionException("'" + value + "' is more than 2 GiB");
            }
            return (int) bytes;
        }
    }

    /** A count of at least 1. */
    public static final class Count implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            long count = positive(value.trim(), value, "a whole number of at least 1");
            if (count > Integer.MAX_VALUE) {
                throw new TypeConversionException("'" + value + "' is too large");
            }
            return (int) count;
        }
    }

    private static long positive(String digits, String original, String expected) {
        try {
            long number = Long.parseLong(digits);
            if (number >= 1) {
                return number;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new TypeConversionException("must be " + expected + ", not '" + original + "'");
    }
}
