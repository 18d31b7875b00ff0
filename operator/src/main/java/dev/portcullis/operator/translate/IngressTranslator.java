package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.Snapshot;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The Ingress semantics, as one pure function from a {@link ClusterState} to a {@link Snapshot} and
 * the problems found: no I/O, the clock passed in, output in a deterministic order. It runs an
 * ordered list of phases that share one problem sink and one host table (Contour's processors,
 * Envoy Gateway's resources to IR): class selection, annotations, rules (HTTP or passthrough),
 * default backends, TLS, listener settings, assembly. Another front end (Gateway API routes) can
 * feed the same host table and phases.
 */
public final class IngressTranslator {

    private IngressTranslator() {
    }

    public static Translation translate(ClusterState state, long version, Instant now) {
        return translate(state, version, now, new ParsedSecrets());
    }

    /** As above, reusing the parses of Secrets whose content has not changed since the last translation. */
    public static Translation translate(ClusterState state, long version, Instant now, ParsedSecrets parsedSecrets) {
        return translate(state, version, now, parsedSecrets, OcspStaples.NONE);
    }

    /** As above, stapling the OCSP responses the operator fetched (an input, like the clock). */
    public static Translation translate(ClusterState state, long version, Instant now, ParsedSecrets parsedSecrets,
                                        OcspStaples staples) {
        return attributed(state, version, now, parsedSecrets, staples, false).translation();
    }

    /**
     * A translation, who put each cluster and certificate in its snapshot, and the first instant at
     * which the same objects could translate otherwise (a certificate's or staple's dates).
     */
    record Attributed(Translation translation, Attribution attribution, Instant timeBoundary) {
    }

    /**
     * As above, saying who contributed what. {@code someIngresses}: the state holds only some of the
     * Ingresses ({@link IncrementalTranslator}), so the memo forgets nothing the others use.
     */
    static Attributed attributed(ClusterState state, long version, Instant now, ParsedSecrets parsedSecrets,
                                 OcspStaples staples, boolean someIngresses) {
        List<Ingress> ours = IngressSelection.ours(state);
        TlsSecretParser.parseAhead(ours, state, parsedSecrets);
        TranslationContext context = new TranslationContext(state, now, parsedSecrets, staples);
        IngressSettingsPhase settings = new IngressSettingsPhase(context);
        List<ServedIngress> served = new ArrayList<>();
        for (Ingress ingress : ours) {
            settings.read(ingress).ifPresent(served::add);
        }
        CanaryPhase canaries = new CanaryPhase(context, served);
        served.removeIf(canaries::setAside); // canaries join their main routes below; no host of their own
        HttpRulesPhase httpRules = new HttpRulesPhase(context);
        IngressPhase passthroughRules = new PassthroughRulesPhase(context);
        // One pass for both kinds of rules, oldest Ingress first: that order decides contested hosts.
        served.forEach(ingress -> (ingress.passthrough() ? passthroughRules : httpRules).apply(ingress));
        // ACME HTTP-01 challenge rules join their hosts in the modes just decided; they never decide one.
        served.stream().filter(ingress -> !ingress.passthrough()).forEach(httpRules::applyChallengeRules);
        canaries.apply();
        served.forEach(new DefaultBackendPhase(context)::apply);
        served.forEach(new TlsPhase(context)::apply);
        ListenerPhase.Listener listener = new ListenerPhase(context).apply();
        new OcspStaplePhase(context).apply();
        Snapshot snapshot = SnapshotAssembly.assemble(context, version, listener);
        if (someIngresses) {
            parsedSecrets.partialTranslationDone();
        } else {
            parsedSecrets.translationDone();
        }
        return new Attributed(new Translation(snapshot, context.problems.all(), context.secrets.keptCount()),
                context.attribution, context.timeBoundary.next());
    }
}
