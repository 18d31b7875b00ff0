package dev.portcullis.operator.translate;

import java.util.ArrayList;
import java.util.List;

/**
 * An Ingress's own timeouts and request body limit for its backends, 0 where it sets none (the
 * data plane's default or listener limit applies). Part of a cluster's identity: two Ingresses
 * reaching one Service with different limits get two clusters, each route keeping its Ingress's.
 *
 * @param connectMillis  TCP connect to one endpoint
 * @param responseMillis the endpoint's time to start its response once it has the whole request
 * @param sendMillis     longest silence while the request body goes to the endpoint
 * @param idleMillis     longest silence from the endpoint once its response started
 * @param maxBodyBytes   largest request body (0: no limit)
 */
record ExchangeLimits(long connectMillis, long responseMillis, long sendMillis, long idleMillis, long maxBodyBytes) {

    static final ExchangeLimits NONE = new ExchangeLimits(0, 0, 0, 0, 0);

    /** Passthrough relays bytes: only the connect timeout means anything there. */
    ExchangeLimits connectOnly() {
        return new ExchangeLimits(connectMillis, 0, 0, 0, 0);
    }

    /** What sets a cluster apart, for its name: nothing for the defaults. */
    List<String> describe() {
        List<String> parts = new ArrayList<>();
        if (connectMillis > 0) {
            parts.add("connect-timeout " + duration(connectMillis));
        }
        if (responseMillis > 0) {
            parts.add("response-timeout " + duration(responseMillis));
        }
        if (sendMillis > 0) {
            parts.add("send-timeout " + duration(sendMillis));
        }
        if (idleMillis > 0) {
            parts.add("idle-timeout " + duration(idleMillis));
        }
        if (maxBodyBytes > 0) {
            parts.add("max-body-size " + size(maxBodyBytes));
        }
        return parts;
    }

    /** In the largest unit that divides it: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}. */
    static String duration(long millis) {
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    static String size(long bytes) {
        String[] units = {"", "k", "m", "g"};
        int unit = 0;
        while (unit < units.length - 1 && bytes % 1024 == 0) {
            bytes /= 1024;
            unit++;
        }
        return bytes + units[unit];
    }
}
