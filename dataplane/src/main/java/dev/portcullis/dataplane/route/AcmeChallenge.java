package dev.portcullis.dataplane.route;

import dev.portcullis.dataplane.config.PathMatch;

/**
 * ACME HTTP-01 (RFC 8555, section 8.3): the CA fetches
 * {@code http://<host>/.well-known/acme-challenge/<token>} over plain HTTP, and the answer must come
 * from the solver that the ACME client (cert-manager, for example) put behind that path. A route
 * whose path lies under {@value #PATH} is such a solver's route: the plain listener serves it even
 * on a host that redirects plain HTTP to https, as ingress-nginx does for locations under its
 * {@code no-tls-redirect-locations} (default {@code /.well-known/acme-challenge}). Requests that no
 * such route matches keep the host's redirect, whatever their path looks like.
 */
public final class AcmeChallenge {

    public static final String PATH = "/.well-known/acme-challenge";

    private AcmeChallenge() {
    }

    /** Whether the route's path is {@value #PATH} or below it, element by element. */
    public static boolean isChallengeRoute(PathMatch match) {
        return isChallengePath(match.path());
    }

    /** Whether a path (of a route or an Ingress rule) is {@value #PATH} or below it, element by element. */
    public static boolean isChallengePath(String path) {
        return path != null && (path.equals(PATH) || path.startsWith(PATH + "/"));
    }
}
