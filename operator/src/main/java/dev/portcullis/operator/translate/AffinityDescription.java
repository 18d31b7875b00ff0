package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.SessionAffinity;

/** Cookie affinity as it shows in a cluster's name: the cookie and every attribute that is not the default. */
final class AffinityDescription {

    private AffinityDescription() {
    }

    static String of(SessionAffinity affinity) {
        StringBuilder text = new StringBuilder("cookie ").append(affinity.cookieName());
        if (!affinity.path().equals("/")) {
            text.append(" path ").append(affinity.path());
        }
        if (affinity.domain() != null) {
            text.append(" domain ").append(affinity.domain());
        }
        if (affinity.maxAgeSeconds() != null) {
            text.append(" max-age ").append(affinity.maxAgeSeconds());
        }
        if (affinity.expiresSeconds() != null) {
            text.append(" expires ").append(affinity.expiresSeconds());
        }
        if (affinity.sameSite() != null) {
            text.append(" samesite ").append(affinity.sameSite());
        }
        if (affinity.secure()) {
            text.append(" secure");
        }
        return text.toString();
    }
}
