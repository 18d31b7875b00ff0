package dev.portcullis.dataplane.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Finds every inconsistency in a snapshot; a snapshot with any is never served. */
final class SnapshotValidator {

    private final Snapshot snapshot;
    private final List<String> problems = new ArrayList<>();
    /** Certificates that say "keep what you serve here": a host or the default certificate may name one, nothing else. */
    private final Set<String> keepServing = new HashSet<>();

    private SnapshotValidator(Snapshot snapshot) {
        this.snapshot = snapshot;
    }

    static List<String> problems(Snapshot snapshot) {
        SnapshotValidator validator = new SnapshotValidator(snapshot);
        validator.check();
        return List.copyOf(validator.problems);
    }

    private void check() {
        if (snapshot.version() < 0) {
            problems.add("version " + snapshot.version() + " is negative");
        }
        Set<String> certificates = checkCertificates();
        Set<String> clusters = checkClusters(certificates);
        checkVirtualHosts(certificates, clusters);
        String minTls = snapshot.listener().minTlsVersion();
        if (!minTls.equals("1.2") && !minTls.equals("1.3")) {
            problems.add("listener.minTlsVersion is \"" + minTls + "\"; use 1.2 or 1.3");
        }
        if (snapshot.listener().ciphers() != null) {
            new TlsPolicy(null, snapshot.listener().ciphers(), null).problems()
                    .forEach(problem -> problems.add("listener: " + problem));
        }
        checkHsts("listener", snapshot.listener().hsts());
        problems.addAll(snapshot.listener().clientAddress().problems());
        problems.addAll(snapshot.listener().accessLog().problems());
        problems.addAll(snapshot.listener().drain().problems());
        String defaultCertificate = snapshot.defaultCertificate();
        if (defaultCertificate != null && !certificates.contains(defaultCertificate)) {
            problems.add("defaultCertificate names certificate \"" + defaultCertificate + "\", which does not exist");
        }
        checkSessionTicketKeys();
    }

    private void checkSessionTicketKeys() {
        List<SessionTicketKey> keys = snapshot.sessionTicketKeys();
        if (keys.size() > Snapshot.MAX_SESSION_TICKET_KEYS) {
            problems.add("sessionTicketKeys has " + keys.size() + " keys; at most " + Snapshot.MAX_SESSION_TICKET_KEYS);
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < keys.size(); i++) {
            String problem = keys.get(i).problem();
            if (problem != null) {
                problems.add("sessionTicketKeys[" + i + "]: " + problem);
            } else if (!names.add(java.util.HexFormat.of().formatHex(keys.get(i).name()))) {
                problems.add("sessionTicketKeys[" + i + "]: duplicate name");
            }
        }
    }

    private Set<String> checkCertificates() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < snapshot.certificates().size(); i++) {
            TlsCertificate certificate = snapshot.certificates().get(i);
            String where = "certificates[" + i + "]";
            if (isBlank(certificate.name())) {
                problems.add(where + ": name is missing");
                continue;
            }
            where += " \"" + certificate.name() + "\"";
            if (!names.add(certificate.name())) {
                problems.add(where + ": duplicate certificate name");
            }
            if (certificate.keepServing()) {
                keepServing.add(certificate.name());
                if (certificate.certificateChainPem() != null || certificate.privateKeyPem() != null) {
                    problems.add(where + ": a keepServing certificate carries no certificateChainPem or privateKeyPem");
                }
                continue;
            }
            if (isBlank(certificate.certificateChainPem())) {
                problems.add(where + ": certificateChainPem is missing");
            }
            if (isBlank(certificate.privateKeyPem())) {
                problems.add(where + ": privateKeyPem is missing");
            }
            checkOcspResponse(where, certificate.ocspResponse());
        }
        return names;
    }

    private void checkOcspResponse(String where, String ocspResponse) {
        if (ocspResponse == null) {
            return;
        }
        if (ocspResponse.isEmpty() || ocspResponse.length() > TlsCertificate.MAX_OCSP_RESPONSE_CHARS) {
            problems.add(where + ": ocspResponse must be 1 to " + TlsCertificate.MAX_OCSP_RESPONSE_CHARS + " base64 characters");
            return;
        }
        try {
            java.util.Base64.getDecoder().decode(ocspResponse);
        } catch (IllegalArgumentException e) {
            problems.add(where + ": ocspResponse is not base64");
        }
    }

    private Set<String> checkClusters(Set<String> certificates) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < snapshot.clusters().size(); i++) {
            Cluster cluster = snapshot.clusters().get(i);
            String where = "clusters[" + i + "]";
            if (isBlank(cluster.name())) {
                problems.add(where + ": name is missing");
                continue;
            }
            where += " \"" + cluster.name() + "\"";
            if (!names.add(cluster.name())) {
                problems.add(where + ": duplicate cluster name");
            }
            if (cluster.connectTimeoutMillis() < 0) {
                problems.add(where + ": connectTimeoutMillis " + cluster.connectTimeoutMillis() + " is negative");
            }
            checkUpstreamTls(where, cluster.upstreamTls(), certificates);
            if (cluster.responseTimeoutMillis() < 0) {
                problems.add(where + ": responseTimeoutMillis " + cluster.responseTimeoutMillis() + " is negative");
            }
            if (cluster.sendTimeoutMillis() < 0) {
                problems.add(where + ": sendTimeoutMillis " + cluster.sendTimeoutMillis() + " is negative");
            }
            if (cluster.idleTimeoutMillis() < 0) {
                problems.add(where + ": idleTimeoutMillis " + cluster.idleTimeoutMillis() + " is negative");
            }
            if (cluster.maxRequestBodyBytes() < 0) {
                problems.add(where + ": maxRequestBodyBytes " + cluster.maxRequestBodyBytes() + " is negative");
            }
            HealthSettingsCheck.check(where, cluster, problems);
            for (int e = 0; e < cluster.endpoints().size(); e++) {
                Endpoint endpoint = cluster.endpoints().get(e);
                String endpointWhere = where + " endpoints[" + e + "]";
                if (isBlank(endpoint.address())) {
                    problems.add(endpointWhere + ": address is missing");
                } else if (!IpLiteral.is(endpoint.address())) {
                    problems.add(endpointWhere + ": address is not an IP address (names are never looked up)");
                }
                if (endpoint.port() < 1 || endpoint.port() > 65535) {
                    problems.add(endpointWhere + ": port " + endpoint.port() + " is outside 1-65535");
                }
            }
            BalancingChecks.check(where, cluster, problems);
        }
        return names;
    }

    private void checkUpstreamTls(String where, UpstreamTls tls, Set<String> certificates) {
        if (tls == null) {
            return;
        }
        if (isBlank(tls.serverName())) {
            problems.add(where + ": upstreamTls.serverName is missing");
        }
        if (tls.clientCertificate() != null && !certificates.contains(tls.clientCertificate())) {
            problems.add(where + ": upstreamTls names client certificate \"" + tls.clientCertificate() + "\", which does not exist");
        } else if (keepServing.contains(tls.clientCertificate())) {
            problems.add(where + ": upstreamTls names client certificate \"" + tls.clientCertificate()
                    + "\", which is keepServing (only a host or the default certificate can keep what it serves)");
        }
    }

    private void checkVirtualHosts(Set<String> certificates, Set<String> clusters) {
        Map<String, Integer> firstIndexByHost = new HashMap<>();
        for (int i = 0; i < snapshot.virtualHosts().size(); i++) {
            VirtualHost host = snapshot.virtualHosts().get(i);
            String where = "virtualHosts[" + i + "]";
            if (isBlank(host.hostname())) {
                problems.add(where + ": hostname is missing");
                continue;
            }
            where += " \"" + host.hostname() + "\"";
            checkHostname(where, host.hostname());
            Integer first = firstIndexByHost.putIfAbsent(host.hostname().toLowerCase(Locale.ROOT), i);
            if (first != null) {
                problems.add(where + ": duplicate host, also virtualHosts[" + first + "]");
            }
            if (host.certificate() != null && !certificates.contains(host.certificate())) {
                problems.add(where + ": names certificate \"" + host.certificate() + "\", which does not exist");
            }
            if (keepServing.contains(host.certificate())
                    && (host.tlsMode() == TlsMode.PASSTHROUGH || host.hostname().equals(VirtualHost.ANY_HOST))) {
                problems.add(where + ": names keepServing certificate \"" + host.certificate() + "\", but "
                        + (host.tlsMode() == TlsMode.PASSTHROUGH ? "a passthrough host" : "the catch-all host")
                        + " serves no certificate of its own");
            }
            checkRoutes(where, host.routes(), clusters);
            if (host.tls() != null) {
                for (String problem : host.tls().problems()) {
                    problems.add(where + ": tls: " + problem);
                }
                if (host.tlsMode() == TlsMode.PASSTHROUGH || host.hostname().equals(VirtualHost.ANY_HOST)) {
                    problems.add(where + ": a TLS policy needs a host whose TLS the proxy terminates, by name");
                }
            }
            checkHsts(where, host.hsts());
            if (host.access() != null) {
                for (String problem : host.access().problems(true)) {
                    problems.add(where + ": access: " + problem);
                }
                if (host.tlsMode() != TlsMode.PASSTHROUGH) {
                    problems.add(where + ": access on a host is for passthrough hosts; HTTP hosts have it on their routes");
                }
            }
            if (host.rsaCertificate() != null) {
                if (!certificates.contains(host.rsaCertificate())) {
                    problems.add(where + ": names rsaCertificate \"" + host.rsaCertificate() + "\", which does not exist");
                }
                if (host.certificate() == null || host.tlsMode() == TlsMode.PASSTHROUGH) {
                    problems.add(where + ": an rsaCertificate goes beside a certificate of a host whose TLS the proxy terminates");
                }
            }
            if (host.tlsMode() == TlsMode.PASSTHROUGH) {
                boolean single = host.routes().size() == 1 && host.routes().getFirst().match() != null
                        && host.routes().getFirst().match().equals(PathMatch.prefix("/"));
                if (!single) {
                    problems.add(where + ": a passthrough host has exactly one route, Prefix \"/\"");
                } else if (host.routes().getFirst().hasActions()) {
                    problems.add(where + ": a passthrough route relays bytes: no rewrite, header or redirect applies");
                }
                if (host.hostname().equals(VirtualHost.ANY_HOST)) {
                    problems.add(where + ": passthrough needs a host name (it routes on SNI)");
                }
            }
        }
    }

    private void checkHostname(String where, String hostname) {
        if (hostname.equals(VirtualHost.ANY_HOST)) {
            return;
        }
        String name = hostname.startsWith("*.") ? hostname.substring(2) : hostname;
        if (name.length() > 253) {
            problems.add(where + ": hostname is longer than 253 characters");
            return;
        }
        for (String label : name.split("\\.", -1)) {
            if (!DnsNames.LABEL.matcher(label).matches()) {
                problems.add(where + ": hostname must be lowercase DNS labels, optionally after \"*.\"; \""
                        + label + "\" is not a valid label");
                return;
            }
        }
    }

    private void checkRoutes(String hostWhere, List<Route> routes, Set<String> clusters) {
        Set<PathMatch> seen = new HashSet<>();
        for (int r = 0; r < routes.size(); r++) {
            Route route = routes.get(r);
            String where = hostWhere + " routes[" + r + "]";
            PathMatch match = route.match();
            if (match == null || match.type() == null) {
                problems.add(where + ": match with a type (Exact, Prefix or Regex) is missing");
            } else if (match.type() == PathMatch.Type.REGEX) {
                String why = PathPatterns.problem(match.path());
                if (why != null) {
                    problems.add(where + ": Regex \"" + match.path() + "\": " + why);
                } else if (!seen.add(match)) {
                    problems.add(where + ": duplicate " + match.type() + " match for \"" + match.path() + "\"");
                }
            } else if (match.path() == null || !match.path().startsWith("/")) {
                problems.add(where + ": path \"" + match.path() + "\" must start with \"/\"");
            } else if (!seen.add(match)) {
                problems.add(where + ": duplicate " + match.type() + " match for \"" + match.path() + "\"");
            }
            checkActions(where, route);
            checkHttpPolicies(where, route, clusters);
            if (isBlank(route.cluster())) {
                problems.add(where + ": cluster is missing");
            } else if (!clusters.contains(route.cluster())) {
                problems.add(where + ": names cluster \"" + route.cluster() + "\", which does not exist");
            }
        }
    }

    private void checkActions(String where, Route route) {
        if (route.rewrite() != null) {
            String withoutGroups = Route.REWRITE_GROUP.matcher(route.rewrite()).replaceAll("");
            if (route.rewrite().isEmpty() || !printable(route.rewrite()) || withoutGroups.indexOf('$') >= 0
                    || !(route.rewrite().startsWith("/") || route.rewrite().startsWith("$"))) {
                problems.add(where + ": rewrite must start with \"/\" or a group ($0..$9), be printable ASCII without"
                        + " spaces, and name no \"$\" other than groups");
            }
        }
        if (route.forwardedPrefix() != null && (route.forwardedPrefix().isEmpty() || !printable(route.forwardedPrefix()))) {
            problems.add(where + ": forwardedPrefix must be printable ASCII without spaces");
        }
        if (route.appRoot() != null && (!route.appRoot().startsWith("/") || !printable(route.appRoot()))) {
            problems.add(where + ": appRoot must be a path starting with \"/\", printable ASCII without spaces");
        }
        Route.Redirect redirect = route.redirect();
        if (redirect != null) {
            if (redirect.code() < 300 || redirect.code() > 308) {
                problems.add(where + ": redirect code " + redirect.code() + " is not between 300 and 308");
            }
            String location = redirect.location();
            if (location == null || !printable(location)
                    || !(location.startsWith("http://") || location.startsWith("https://"))
                    || location.indexOf('/') + 2 >= location.length()) {
                problems.add(where + ": redirect location must be an absolute http or https URL, printable ASCII without spaces");
            }
        }
    }

    private void checkHsts(String where, Hsts hsts) {
        if (hsts != null && hsts.enabled() && hsts.maxAgeSeconds() < 0) {
            problems.add(where + ": hsts maxAgeSeconds is negative");
        }
    }

    private void checkHttpPolicies(String where, Route route, Set<String> clusters) {
        if (route.requestHeaders() != null) {
            route.requestHeaders().problems().forEach(problem -> problems.add(where + ": requestHeaders: " + problem));
        }
        if (route.responseHeaders() != null) {
            route.responseHeaders().problems().forEach(problem -> problems.add(where + ": responseHeaders: " + problem));
        }
        if (route.cors() != null) {
            route.cors().problems().forEach(problem -> problems.add(where + ": cors: " + problem));
        }
        if (route.access() != null) {
            route.access().problems(false).forEach(problem -> problems.add(where + ": access: " + problem));
        }
        ErrorBackend errors = route.errorBackend();
        if (errors != null) {
            errors.problems().forEach(problem -> problems.add(where + ": errorBackend: " + problem));
            if (isBlank(errors.cluster()) || !clusters.contains(errors.cluster())) {
                problems.add(where + ": errorBackend names cluster \"" + errors.cluster() + "\", which does not exist");
            }
        }
        Canary canary = route.canary();
        if (canary != null) {
            canary.problems().forEach(problem -> problems.add(where + ": canary: " + problem));
            if (isBlank(canary.cluster()) || !clusters.contains(canary.cluster())) {
                problems.add(where + ": canary names cluster \"" + canary.cluster() + "\", which does not exist");
            }
        }
    }

    /** Visible ASCII only: nothing that could end a header line or hide in one. */
    private static boolean printable(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
