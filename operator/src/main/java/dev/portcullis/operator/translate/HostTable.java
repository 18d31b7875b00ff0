package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.Hsts;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.TlsPolicy;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.operator.annotation.TlsModeAnnotation;

import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Every host as the phases assemble it from the Ingresses that name it, sorted by name: which
 * Ingress set its mode, which path goes to which cluster, its TLS. The phases share one table.
 */
final class HostTable {

    /** Who claimed a host's path first. */
    record Claim(String cluster, ObjectRef ingress, boolean fromDefaultBackend, RouteActions actions) {

        Claim(String cluster, ObjectRef ingress, boolean fromDefaultBackend) {
            this(cluster, ingress, fromDefaultBackend, RouteActions.NONE);
        }
    }

    /** One host under construction. */
    static final class Host {
        final Map<PathMatch, Claim> routes = new TreeMap<>(Comparator.comparing(PathMatch::type).thenComparing(PathMatch::path));
        TlsModeAnnotation mode;
        ObjectRef modeFrom;
        boolean tls;
        String certificate;
        ObjectRef tlsFrom;
        String tlsSecret;
        /** An RSA certificate beside an ECDSA {@code certificate}, from a second TLS entry of the same Ingress. */
        String rsaCertificate;
        Boolean sslRedirect;
        /** An Ingress with regular-expression paths names this host: all its paths are matched as ingress-nginx does then. */
        ObjectRef regexFrom;
        /** The host's TLS policy and HSTS, as the first Ingress to name the host asked (null: the listener's). */
        TlsPolicy tlsPolicy;
        ObjectRef tlsPolicyFrom;
        Hsts hsts;
        ObjectRef hstsFrom;
        /** A passthrough host's source ranges, from the Ingress whose rule it got, or null. */
        dev.portcullis.dataplane.config.AccessRules access;
    }

    // Looked up per rule of every Ingress, walked in name order twice: hashed, and sorted when walked.
    private final Map<String, Host> hosts = new java.util.HashMap<>();
    private final Problems problems;

    HostTable(Problems problems) {
        this.problems = problems;
    }

    Host host(String name) {
        return hosts.computeIfAbsent(name, key -> new Host());
    }

    /** The host if some phase made it, else {@code null}. */
    Host existing(String name) {
        return hosts.get(name);
    }

    /** Every host, in name order. */
    void forEach(BiConsumer<String, Host> action) {
        hosts.keySet().stream().sorted().forEach(name -> action.accept(name, hosts.get(name)));
    }

    /** The first Ingress to name a host sets its TLS mode; a later one asking for another mode loses that host. */
    boolean claimMode(ServedIngress served, String name, Host host) {
        if (name.equals(VirtualHost.ANY_HOST)) {
            return true; // the catch-all is never passed through; terminated and re-encrypted routes mix there
        }
        if (host.mode == null) {
            host.mode = served.mode();
            host.modeFrom = served.ref();
            return true;
        }
        if (host.mode == served.mode()) {
            return true;
        }
        problems.error(served.ref(), "TlsModeConflict", "host " + name + " is served with tls-mode " + modeName(host.mode)
                + " by the older Ingress " + host.modeFrom + "; this Ingress asks for " + modeName(served.mode())
                + ", so its rules for " + name + " are ignored");
        return false;
    }

    /**
     * The first Ingress to name a host sets its TLS policy (client certificates, versions, suites):
     * a later one asking for another gets an error and loses its rules for that host, since serving
     * its paths under a policy it did not ask for could let in clients it meant to keep out. HSTS
     * that differs is a warning: the first Ingress's wins.
     */
    boolean claimTls(ServedIngress served, String name, Host host) {
        TlsPolicy asked = served.hostTls().policy();
        if (name.equals(VirtualHost.ANY_HOST)) {
            if (asked != null && asked.clientAuth() != null) {
                problems.error(served.ref(), "ClientAuthNeedsHost", "client certificates are asked for, but a rule without a"
                        + " host serves every name, which no TLS handshake can be told apart by; this rule is ignored");
                return false;
            }
            if (asked != null || served.hostTls().hsts() != null) {
                problems.warning(served.ref(), "AnnotationWithoutEffect", "TLS policy and HSTS annotations apply to named"
                        + " hosts; they are ignored for the rule without a host");
            }
            return true;
        }
        if (host.tlsPolicyFrom == null) {
            host.tlsPolicy = asked;
            host.tlsPolicyFrom = served.ref();
        } else if (!java.util.Objects.equals(host.tlsPolicy, asked)) {
            problems.error(served.ref(), "TlsPolicyConflict", "host " + name + " has its TLS policy (client"
                    + " certificates, min-tls-version, ciphers) from the older Ingress " + host.tlsPolicyFrom
                    + "; this Ingress asks for another, so its rules for " + name + " are ignored");
            return false;
        }
        Hsts hsts = served.hostTls().hsts();
        if (hsts != null) {
            if (host.hstsFrom == null) {
                host.hsts = hsts;
                host.hstsFrom = served.ref();
            } else if (!hsts.equals(host.hsts)) {
                problems.warning(served.ref(), "HstsConflict", "host " + name + " has its HSTS from the older Ingress "
                        + host.hstsFrom + "; this Ingress's is ignored");
            }
        }
        return true;
    }

    /** The first rule to claim a host's path wins it; later ones get a PathConflict warning. */
    void claim(ObjectRef ref, String name, Host host, PathMatch match, String cluster) {
        claim(ref, name, host, match, cluster, RouteActions.NONE);
    }

    /** As {@link #claim(ObjectRef, String, Host, PathMatch, String)}, with what the Ingress's path annotations ask. */
    void claim(ObjectRef ref, String name, Host host, PathMatch match, String cluster, RouteActions actions) {
        Claim existing = host.routes.get(match);
        if (existing != null) {
            problems.warning(ref, "PathConflict", "host " + (name.equals(VirtualHost.ANY_HOST) ? "(any)" : name)
                    + " path " + match.path() + " (" + switch (match.type()) {
                        case EXACT -> "Exact";
                        case PREFIX -> "Prefix";
                        case REGEX -> "regular expression";
                    }
                    + ") is already served by "
                    + (existing.ingress().equals(ref) ? "an earlier rule of this Ingress" : "the older Ingress " + existing.ingress())
                    + "; this rule is ignored");
            return;
        }
        host.routes.put(match, new Claim(cluster, ref, false, actions));
    }

    private static String modeName(TlsModeAnnotation mode) {
        return mode.name().toLowerCase(java.util.Locale.ROOT);
    }
}
