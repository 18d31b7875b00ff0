package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.Hsts;
import dev.portcullis.dataplane.config.Limits;
import dev.portcullis.dataplane.config.AccessLogSettings;
import dev.portcullis.dataplane.config.ClientAddressSettings;
import dev.portcullis.dataplane.config.ListenerSettings;
import dev.portcullis.operator.annotation.TlsPolicyAnnotations;
import dev.portcullis.operator.deploy.DataPlaneSpec;
import dev.portcullis.operator.deploy.DataPlane;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The listener phase: listener-wide settings come from the DataPlane that serves the translated
 * IngressClass (the oldest, when several do): its minimum TLS version and its default
 * certificate. Every DataPlane's settings are checked, so that a bad default certificate is a
 * problem on that DataPlane in every translation, whichever class is translated.
 */
final class ListenerPhase {

    /** What the phase decided for the snapshot: listener settings, and the default certificate's name or null. */
    record Listener(ListenerSettings settings, String defaultCertificate) {
        static final Listener DEFAULTS = new Listener(ListenerSettings.DEFAULTS, null);
    }

    private static final Comparator<DataPlane> OLDEST_FIRST = Comparator
            .comparing((DataPlane dataPlane) -> String.valueOf(dataPlane.getMetadata().getCreationTimestamp()))
            .thenComparing(ClusterState::namespaceOf)
            .thenComparing(dataPlane -> dataPlane.getMetadata().getName());

    private final TranslationContext context;

    ListenerPhase(TranslationContext context) {
        this.context = context;
    }

    Listener apply() {
        List<DataPlane> dataPlanes = context.state.dataPlanes().stream().sorted(OLDEST_FIRST).toList();
        Listener chosen = Listener.DEFAULTS;
        boolean found = false;
        for (DataPlane dataPlane : dataPlanes) {
            boolean chosenOne = !found && servesTranslatedClass(dataPlane);
            Listener listener = check(dataPlane, chosenOne);
            if (chosenOne) {
                chosen = listener;
                found = true;
            }
        }
        return chosen;
    }

    private boolean servesTranslatedClass(DataPlane dataPlane) {
        String served = context.state.servedClass();
        return served != null && dataPlane.getSpec() != null && served.equals(dataPlane.getSpec().ingressClassName);
    }

    private Listener check(DataPlane dataPlane, boolean served) {
        ObjectRef ref = new ObjectRef("DataPlane", ClusterState.namespaceOf(dataPlane), dataPlane.getMetadata().getName());
        var tls = dataPlane.getSpec() == null ? null : dataPlane.getSpec().tls;
        String minVersion = tls == null || tls.minVersion == null ? "1.2" : tls.minVersion;
        if (!minVersion.equals("1.2") && !minVersion.equals("1.3")) {
            context.problems.error(ref, "InvalidMinTlsVersion", "spec.tls.minVersion \"" + minVersion
                    + "\" is not 1.2 or 1.3; 1.2 is offered until it is fixed");
            minVersion = "1.2";
        }
        Optional<String> certificate = tls == null || tls.defaultCertificateSecret == null ? Optional.empty()
                : context.secrets.defaultCertificate(ref, ref.namespace(), tls.defaultCertificateSecret, served);
        List<String> ciphers = null;
        if (tls != null && tls.ciphers != null) {
            try {
                ciphers = TlsPolicyAnnotations.readCiphers(tls.ciphers);
            } catch (IllegalArgumentException e) {
                context.problems.error(ref, "InvalidCiphers", "spec.tls.ciphers: " + e.getMessage()
                        + "; Mozilla's intermediate suites are offered until it is fixed");
            }
        }
        Hsts hsts = null;
        if (tls != null && tls.hsts != null) {
            try {
                hsts = TlsPolicyAnnotations.readHsts(tls.hsts.trim());
            } catch (IllegalArgumentException e) {
                context.problems.error(ref, "InvalidHsts", "spec.tls.hsts: " + e.getMessage()
                        + "; the default (max-age=31536000; includeSubDomains) is sent until it is fixed");
            }
        }
        DataPlaneSpec spec = dataPlane.getSpec();
        return new Listener(new ListenerSettings(minVersion, limits(spec == null ? null : spec.limits), ciphers, hsts,
                clientAddress(ref, spec == null ? null : spec.clientAddress), accessLog(ref, spec == null ? null : spec.accessLog),
                spec == null ? null : DataPlaneSpec.drainSettings(spec.drain)), certificate.orElse(null));
    }

    /** Who is believed about the client's address; an entry that is no CIDR range makes the whole list unused, with an error. */
    private ClientAddressSettings clientAddress(ObjectRef ref, DataPlaneSpec.ClientAddress spec) {
        if (spec == null) {
            return null;
        }
        ClientAddressSettings settings = new ClientAddressSettings(spec.proxyProtocolFrom, spec.trustForwardedForFrom);
        List<String> problems = settings.problems();
        if (problems.isEmpty()) {
            return settings;
        }
        context.problems.error(ref, "InvalidClientAddress", "spec.clientAddress: " + String.join("; ", problems)
                + "; no PROXY header or X-Forwarded-For is believed until it is fixed");
        return null;
    }

    private AccessLogSettings accessLog(ObjectRef ref, DataPlaneSpec.AccessLog spec) {
        if (spec == null) {
            return null;
        }
        AccessLogSettings settings = new AccessLogSettings(spec.enabled, spec.format, spec.sampleRatio, spec.includeQuery);
        List<String> problems = settings.problems();
        if (problems.isEmpty()) {
            return settings;
        }
        context.problems.error(ref, "InvalidAccessLog", "spec.accessLog: " + String.join("; ", problems)
                + "; every request is logged as JSON until it is fixed");
        return null;
    }


    /** The DataPlane's limits for the snapshot; what it leaves unset (or the schema let through below 1) keeps the default. */
    static Limits limits(DataPlaneSpec.Limits spec) {
        if (spec == null) {
            return Limits.DEFAULTS;
        }
        return new Limits(seconds(spec.requestHeadTimeoutSeconds), seconds(spec.keepAliveTimeoutSeconds),
                seconds(spec.bodyIdleTimeoutSeconds), seconds(spec.responseStartTimeoutSeconds),
                seconds(spec.writeStallTimeoutSeconds), seconds(spec.tlsHandshakeTimeoutSeconds),
                count(spec.maxConnections), count(spec.maxConnectionsPerClient),
                count(spec.maxRequestLineBytes), count(spec.maxHeaderBytes));
    }

    private static long seconds(Integer value) {
        return value == null || value < 1 ? 0 : value * 1000L;
    }

    private static int count(Integer value) {
        return value == null || value < 1 ? 0 : value;
    }
}
