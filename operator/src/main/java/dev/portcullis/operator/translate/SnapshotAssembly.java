package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.operator.annotation.TlsModeAnnotation;

import java.util.ArrayList;
import java.util.List;

/** The last phase: the host table, clusters and certificates become the Snapshot, in a stable order. */
final class SnapshotAssembly {

    private SnapshotAssembly() {
    }

    static Snapshot assemble(TranslationContext context, long version, ListenerPhase.Listener listener) {
        List<VirtualHost> virtualHosts = new ArrayList<>();
        context.hosts.forEach((name, builder) -> {
            List<Route> routes = builder.regexFrom != null ? RegexHostRoutes.routes(context.problems, name, builder)
                    : builder.routes.entrySet().stream()
                    .map(entry -> entry.getValue().actions().route(entry.getKey(), entry.getValue().cluster()))
                    .toList();
            boolean passthrough = builder.mode == TlsModeAnnotation.PASSTHROUGH;
            boolean redirect = (builder.tls || passthrough) && (builder.sslRedirect == null || builder.sslRedirect);
            TlsMode mode = passthrough ? TlsMode.PASSTHROUGH
                    : builder.mode == TlsModeAnnotation.REENCRYPT ? TlsMode.REENCRYPT : TlsMode.TERMINATE;
            virtualHosts.add(new VirtualHost(name, mode, passthrough ? null : builder.certificate, routes, redirect,
                    passthrough ? null : builder.tlsPolicy, passthrough ? null : builder.hsts,
                    passthrough ? null : builder.rsaCertificate, passthrough ? builder.access : null));
        });
        var seed = context.state.sessionTicketSeed();
        return new Snapshot(version, virtualHosts, context.backends.clusters(),
                OcspStaplePhase.attach(context, context.secrets.certificates()),
                listener.defaultCertificate(), listener.settings(), seed == null ? List.of() : seed.keys(context.now));
    }

}
