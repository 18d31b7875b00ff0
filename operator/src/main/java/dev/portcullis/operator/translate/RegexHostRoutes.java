package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.PathPatterns;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.route.AcmeChallenge;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The routes of a host that an Ingress with regular-expression paths names (use-regex or
 * rewrite-target), matched as ingress-nginx matches such a host (docs/user-guide/ingress-path-matching.md:
 * "the case insensitive regular expression location modifier will be enforced on ALL paths for a
 * given host regardless of what Ingress they are defined on"; paths ordered "by descending length",
 * first match wins):
 * <ol>
 * <li>Exact paths first, exactly and case-sensitively (Kubernetes' Exact; ingress-nginx would turn them
 *     into prefix regular expressions too).</li>
 * <li>Every other path, longest path as written first (ties in path order), the first that matches wins:
 *     a regular-expression path as a case-insensitive regular expression from the start of the request
 *     path ({@code ~* "^path"}); a Prefix path (or an ImplementationSpecific one of an Ingress without
 *     regular expressions) case-insensitively, literally, and on whole path elements unless it ends in
 *     {@code /} (so {@code /foo} matches {@code /FOO/bar}, not {@code /foobar} as nginx's
 *     {@code ^/foo} would).</li>
 * </ol>
 * An ACME HTTP-01 solver's path stays literal (Exact): a challenge token is one path.
 */
final class RegexHostRoutes {

    private RegexHostRoutes() {
    }

    /** The RE2 pattern of a regular-expression path as written in an Ingress. */
    static String pattern(String path) {
        return "(?i)" + path;
    }

    static List<Route> routes(Problems problems, String hostname, HostTable.Host host) {
        List<Route> exact = new ArrayList<>();
        List<Map.Entry<PathMatch, HostTable.Claim>> ordered = new ArrayList<>();
        for (Map.Entry<PathMatch, HostTable.Claim> entry : host.routes.entrySet()) {
            PathMatch match = entry.getKey();
            HostTable.Claim claim = entry.getValue();
            if (match.type() == PathMatch.Type.EXACT) {
                exact.add(claim.actions().route(match, claim.cluster()));
            } else {
                ordered.add(entry);
            }
        }
        ordered.sort(Comparator.comparingInt((Map.Entry<PathMatch, HostTable.Claim> entry) -> entry.getKey().path().length())
                .reversed()); // stable: ties keep the table's order
        Set<PathMatch> seen = new HashSet<>();
        exact.forEach(route -> seen.add(route.match()));
        List<Route> regexes = new ArrayList<>();
        for (Map.Entry<PathMatch, HostTable.Claim> entry : ordered) {
            PathMatch written = entry.getKey();
            HostTable.Claim claim = entry.getValue();
            PathMatch match = written.type() == PathMatch.Type.REGEX ? PathMatch.regex(pattern(written.path()))
                    : AcmeChallenge.isChallengePath(written.path()) ? PathMatch.exact(written.path())
                    : PathMatch.regex(literalPrefix(written.path()));
            String problem = match.type() == PathMatch.Type.REGEX ? PathPatterns.problem(match.path()) : null;
            if (problem != null) { // a Prefix path too long to be a pattern: its own problem, never the snapshot's
                problems.error(claim.ingress(), "InvalidPathRegex", "host " + hostname + " path " + written.path()
                        + " must become a regular expression on this host (another Ingress uses use-regex or"
                        + " rewrite-target) but " + problem + "; this path is ignored");
                continue;
            }
            if (!seen.add(match)) {
                problems.warning(claim.ingress(), "PathConflict", "host " + (hostname.equals(VirtualHost.ANY_HOST) ? "(any)"
                        : hostname) + " path " + written.path() + " matches the same requests as another path of this host"
                        + " once its paths are regular expressions; this rule is ignored");
                continue;
            }
            Route route = claim.actions().route(match, claim.cluster());
            if (match.type() == PathMatch.Type.EXACT) {
                exact.add(route);
            } else {
                regexes.add(route);
            }
        }
        List<Route> routes = new ArrayList<>(exact);
        routes.addAll(regexes);
        return List.copyOf(routes);
    }

    /** A Prefix path as a case-insensitive regular expression on whole path elements. */
    static String literalPrefix(String path) {
        return "(?i)" + PathPatterns.quote(path) + (path.endsWith("/") ? "" : "(?:/|$)");
    }
}
