package dev.portcullis.dataplane.config;

import java.util.List;
import java.util.Set;

/** The snapshot checks of a cluster's balancing: endpoint weights, the ring-hash key, cookie affinity. */
final class BalancingChecks {

    private static final Set<String> SAME_SITE = Set.of("None", "Lax", "Strict");

    private BalancingChecks() {
    }

    static void check(String where, Cluster cluster, List<String> problems) {
        for (int e = 0; e < cluster.endpoints().size(); e++) {
            int weight = cluster.endpoints().get(e).weight();
            if (weight < 1 || weight > Endpoint.MAX_WEIGHT) {
                problems.add(where + " endpoints[" + e + "]: weight " + weight + " is outside 1-" + Endpoint.MAX_WEIGHT);
            }
        }
        HashKey key = cluster.hashBy();
        if (key != null) {
            if (cluster.balance() != BalancePolicy.RING_HASH) {
                problems.add(where + ": hashBy applies to balance ring-hash only");
            }
            if (key.source() == null) {
                problems.add(where + ": hashBy.source is missing");
            } else if (key.named() && !isToken(key.name())) {
                problems.add(where + ": hashBy.name must be a header or cookie name (an HTTP token)");
            }
        }
        SessionAffinity affinity = cluster.affinity();
        if (affinity == null) {
            return;
        }
        if (!isToken(affinity.cookieName())) {
            problems.add(where + ": affinity.cookieName must be an HTTP token");
        }
        if (!cookieAttribute(affinity.path()) || !affinity.path().startsWith("/")) {
            problems.add(where + ": affinity.path must start with / and hold no ';', space or control character");
        }
        if (affinity.domain() != null && (!cookieAttribute(affinity.domain()) || affinity.domain().isEmpty())) {
            problems.add(where + ": affinity.domain holds a ';', space or control character");
        }
        if (affinity.sameSite() != null && !SAME_SITE.contains(affinity.sameSite())) {
            problems.add(where + ": affinity.sameSite must be None, Lax or Strict");
        }
        if (affinity.maxAgeSeconds() != null && affinity.maxAgeSeconds() < 0
                || affinity.expiresSeconds() != null && affinity.expiresSeconds() < 0) {
            problems.add(where + ": affinity.maxAgeSeconds and expiresSeconds must not be negative");
        }
    }

    /** RFC 9110 token: what a header or cookie name may be. */
    static boolean isToken(String value) {
        if (value == null || value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean cookieAttribute(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == ';') {
                return false;
            }
        }
        return true;
    }
}
